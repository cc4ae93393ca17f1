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

const DEFAULT_ENGINE = 'unix:///var/run/docker.sock';

/**
 * The engine address the docker CLI talks to, resolved as it resolves it: DOCKER_HOST, else the context
 * DOCKER_CONTEXT names, else the CLI config's current context, else the default socket. Undefined when a
 * named context cannot be read here (the CLI, which can, is then the way to the engine).
 */
export function engineAddress(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.DOCKER_HOST) return env.DOCKER_HOST;
  const name = contextName(env);
  if (!name || name === 'default') return DEFAULT_ENGINE;
  return contextHost(env, name);
}

/** The host name of a tcp:// or ssh:// engine; undefined for a local one (unix socket, npipe). */
export function remoteEngineHost(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const address = engineAddress(env);
  if (!address || !/^(tcp|ssh):\/\//.test(address)) return undefined;
  try {
    return new URL(address).hostname.replace(/^\[|\]$/g, '') || undefined;
  } catch {
    return undefined;
  }
}

const configDirOf = (env: NodeJS.ProcessEnv) => env.DOCKER_CONFIG ?? path.join(os.homedir(), '.docker');

/** The current context's name: DOCKER_CONTEXT, else the CLI config's `currentContext`. */
function contextName(env: NodeJS.ProcessEnv): string | undefined {
  if (env.DOCKER_CONTEXT) return env.DOCKER_CONTEXT;
  try {
    return (JSON.parse(readFileSync(path.join(configDirOf(env), 'config.json'), 'utf8')) as { currentContext?: string })
      .currentContext;
  } catch {
    return undefined;
  }
}

/** A named context's docker endpoint. */
function contextHost(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const configDir = configDirOf(env);
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
