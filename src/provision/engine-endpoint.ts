import { resolveEndpoint } from '../engine/endpoint.ts';
import type { Host } from './host.ts';

/** Which engine the docker CLI talks to, and whether it is this machine's default one. */
export interface EngineEndpoint {
  /** The default local socket: the only engine provisioning may install or start. */
  readonly local: boolean;
  readonly description: string;
}

const LOCAL_SOCKETS = new Set(['/var/run/docker.sock', '/run/docker.sock']);

/**
 * The endpoint as the engine seam resolves it (src/engine/endpoint.ts), read through the Host. A
 * remote host, a rootless socket or a named context (Colima, Docker Desktop, ssh) belongs to someone
 * else's setup: we only ever report on it, never install or start anything for it.
 */
export function engineEndpoint(host: Host): EngineEndpoint {
  const endpoint = resolveEndpoint(host.env, (file) => (host.exists(file) ? host.read(file) : undefined));
  const local = !endpoint.context && LOCAL_SOCKETS.has(endpoint.socketPath ?? '');
  return { local, description: endpoint.description };
}
