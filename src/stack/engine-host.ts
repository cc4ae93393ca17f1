import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Where a port published on all interfaces is reached from here: 127.0.0.1 for a local engine
 * (Linux, Docker Desktop and Colima forward published ports to this machine's loopback), the
 * engine's host for a remote one (DOCKER_HOST or a context at tcp:// or ssh://), as `docker` sees it.
 */
export function publishedPortsHost(env: NodeJS.ProcessEnv = process.env): string {
  return remoteEngineHost(env) ?? '127.0.0.1';
}

/** The host name of a tcp:// or ssh:// engine; undefined for a local one (unix socket, npipe). */
export function remoteEngineHost(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const address = env.DOCKER_HOST || contextHost(env);
  if (!address || !/^(tcp|ssh):\/\//.test(address)) return undefined;
  try {
    return new URL(address).hostname.replace(/^\[|\]$/g, '') || undefined;
  } catch {
    return undefined;
  }
}

/** The docker endpoint of the current context (DOCKER_CONTEXT, else the CLI config's `currentContext`). */
function contextHost(env: NodeJS.ProcessEnv): string | undefined {
  const configDir = env.DOCKER_CONFIG ?? path.join(os.homedir(), '.docker');
  let name = env.DOCKER_CONTEXT;
  if (!name) {
    try {
      name = (JSON.parse(readFileSync(path.join(configDir, 'config.json'), 'utf8')) as { currentContext?: string })
        .currentContext;
    } catch {
      return undefined;
    }
  }
  if (!name || name === 'default') return undefined;
  // The CLI stores a context under the sha256 of its name.
  const meta = path.join(configDir, 'contexts', 'meta', createHash('sha256').update(name).digest('hex'), 'meta.json');
  if (!existsSync(meta)) return undefined;
  try {
    return (JSON.parse(readFileSync(meta, 'utf8')) as { Endpoints?: { docker?: { Host?: string } } }).Endpoints?.docker
      ?.Host;
  } catch {
    return undefined;
  }
}
