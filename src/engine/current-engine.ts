import { CliEngine } from './cli-engine.ts';
import { type EngineEndpoint, resolveEndpoint } from './endpoint.ts';
import type { Engine } from './engine.ts';
import { SocketEngine } from './socket-engine.ts';

/** The Engine for an endpoint: its socket when that is local, the CLI otherwise. */
export function engineFor(endpoint: EngineEndpoint): Engine {
  return endpoint.socketPath ? new SocketEngine(endpoint, endpoint.socketPath) : new CliEngine(endpoint);
}

let current: Engine | undefined;

/** This process's engine: the endpoint is resolved on first use and kept (the environment does not change under a run). */
export function currentEngine(): Engine {
  current ??= engineFor(resolveEndpoint());
  return current;
}
