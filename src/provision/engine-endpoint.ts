import type { Host } from './host.ts';
import { dockerConfigFile } from './host.ts';

/** Which engine the docker CLI talks to, and whether it is this machine's default one. */
export interface EngineEndpoint {
  /** The default local socket: the only engine provisioning may install or start. */
  readonly local: boolean;
  readonly description: string;
}

const LOCAL_SOCKETS = new Set(['unix:///var/run/docker.sock', 'unix:///run/docker.sock']);

/**
 * DOCKER_HOST, then DOCKER_CONTEXT, then the CLI's current context, as the docker CLI resolves them.
 * A remote host, a rootless socket or a named context (Colima, Docker Desktop, ssh) belongs to
 * someone else's setup: we only ever report on it, never install or start anything for it.
 */
export function engineEndpoint(host: Host): EngineEndpoint {
  const dockerHost = host.env.DOCKER_HOST;
  if (dockerHost) return { local: LOCAL_SOCKETS.has(dockerHost), description: `DOCKER_HOST=${dockerHost}` };
  const context = host.env.DOCKER_CONTEXT || currentContext(host);
  if (context && context !== 'default') return { local: false, description: `Docker context "${context}"` };
  return { local: true, description: 'the local engine (unix:///var/run/docker.sock)' };
}

function currentContext(host: Host): string | undefined {
  const file = dockerConfigFile(host);
  if (!host.exists(file)) return undefined;
  try {
    return (JSON.parse(host.read(file)) as { currentContext?: string }).currentContext;
  } catch {
    return undefined; // an unreadable config is the CLI's problem to report, not a reason to install
  }
}
