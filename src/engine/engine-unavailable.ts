import { JourneysError } from '../errors.ts';
import type { EngineEndpoint } from './endpoint.ts';

/**
 * How to get the engine of this endpoint answering. Without DOCKER_HOST or a context it is this
 * machine's default socket, the only one ours to start (or to provision): a DOCKER_HOST or a context
 * belongs to someone's own setup, so the fix points at that setting instead.
 */
export function engineFix(endpoint: EngineEndpoint): string {
  if (endpoint.env.DOCKER_HOST)
    return `start the engine at ${endpoint.env.DOCKER_HOST}, or point DOCKER_HOST at one that runs (\`docker version\` answers with the same DOCKER_HOST when it is right), or unset DOCKER_HOST for this machine's own engine`;
  if (endpoint.context) {
    const chosen = endpoint.env.DOCKER_CONTEXT
      ? `unset DOCKER_CONTEXT (it names "${endpoint.context}")`
      : '`docker context use default`';
    return `check the context with \`docker context inspect ${endpoint.context}\` (\`docker context ls\` lists them) and start its engine (\`colima start\`, Docker Desktop, …), or go back to this machine's engine: ${chosen}`;
  }
  return 'start it (`sudo systemctl start docker`, or `npx journeys provision` on Debian/Ubuntu as root)';
}

/** "There is no engine to talk to", whichever way we asked, with the fix for this endpoint. */
export function engineUnavailable(endpoint: EngineEndpoint, detail: string): JourneysError {
  return new JourneysError(
    'DOCKER_UNAVAILABLE',
    'The Docker engine is not reachable.',
    `${detail}\nEngine: ${endpoint.description}\n\nFix: ${engineFix(endpoint)}, then \`npx journeys doctor\`.`,
  );
}
