import { isMachineDefault } from '../engine/endpoint.ts';
import type { Host } from './host.ts';

/** Which engine the docker CLI talks to, and whether it is this machine's default one. */
export interface EngineEndpoint {
  /** The default local socket: the only engine provisioning may install or start. */
  readonly local: boolean;
  readonly description: string;
}

/**
 * The endpoint the Host's engine resolved (src/engine/endpoint.ts), as the docker CLI does. A
 * remote host, a rootless socket or a named context (Colima, Docker Desktop, ssh) belongs to someone
 * else's setup: we only ever report on it, never install or start anything for it.
 */
export function engineEndpoint(host: Host): EngineEndpoint {
  const endpoint = host.engine.endpoint;
  return { local: isMachineDefault(endpoint), description: endpoint.description };
}
