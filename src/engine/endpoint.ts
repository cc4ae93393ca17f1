import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * The engine the docker CLI talks to, resolved once, the way the CLI resolves it (cli/command/cli.go):
 * DOCKER_HOST, else the context DOCKER_CONTEXT names, else the CLI config's `currentContext`, else the
 * default socket. Every way to the engine (our API requests, our `docker` and `docker compose`
 * processes) follows it, so a machine with two engines never sees a stack started on one and
 * removed on the other.
 */
export interface EngineEndpoint {
  /** `unix:///…`, `tcp://host:2376`, `ssh://user@host`, `npipe://…`; undefined: a context we cannot read. */
  readonly address: string | undefined;
  /** The context that named it (undefined: DOCKER_HOST, or the default context). */
  readonly context: string | undefined;
  /** The local unix socket, when that is the way: what our API requests open. */
  readonly socketPath: string | undefined;
  /** The host of a tcp:// or ssh:// engine: where its published ports are reached. */
  readonly remoteHost: string | undefined;
  /** Whether the CLI speaks TLS to it (DOCKER_TLS_VERIFY, DOCKER_CERT_PATH, a context's TLS material). */
  readonly tls: boolean;
  /** For messages: `DOCKER_HOST=tcp://…`, `Docker context "colima" (unix:///…)`. */
  readonly description: string;
  /** The environment the CLI is run with: the one this endpoint was resolved from. */
  readonly env: NodeJS.ProcessEnv;
}

export const DEFAULT_ENGINE_ADDRESS = 'unix:///var/run/docker.sock';
const DEFAULT_SOCKETS = new Set(['/var/run/docker.sock', '/run/docker.sock']);

/**
 * This machine's own default engine, named by no context: the only one provisioning may install or
 * start. A remote host, a rootless socket or a named context (Colima, Docker Desktop, ssh) belongs
 * to someone else's setup.
 */
export function isMachineDefault(endpoint: EngineEndpoint): boolean {
  return !endpoint.context && DEFAULT_SOCKETS.has(endpoint.socketPath ?? '');
}

/** Reads a file of the CLI's config; undefined when it is not there (provisioning passes its Host). */
export type ConfigReader = (file: string) => string | undefined;

const readConfigFile: ConfigReader = (file) => {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
};

export const dockerConfigDir = (env: NodeJS.ProcessEnv) => env.DOCKER_CONFIG ?? path.join(os.homedir(), '.docker');

export function resolveEndpoint(
  env: NodeJS.ProcessEnv = process.env,
  read: ConfigReader = readConfigFile,
): EngineEndpoint {
  if (env.DOCKER_HOST) {
    const tls = !!env.DOCKER_TLS_VERIFY || !!env.DOCKER_CERT_PATH;
    return endpointAt(env.DOCKER_HOST, undefined, tls, env, `DOCKER_HOST=${env.DOCKER_HOST}`);
  }
  const name = contextName(env, read);
  if (!name || name === 'default')
    return endpointAt(DEFAULT_ENGINE_ADDRESS, undefined, false, env, `the local engine (${DEFAULT_ENGINE_ADDRESS})`);
  const context = contextMeta(env, read, name);
  return endpointAt(
    context.host,
    name,
    context.tls,
    env,
    `Docker context "${name}"${context.host ? ` (${context.host})` : ' (not readable here: reached through the docker CLI)'}`,
  );
}

function endpointAt(
  address: string | undefined,
  context: string | undefined,
  tls: boolean,
  env: NodeJS.ProcessEnv,
  description: string,
): EngineEndpoint {
  return {
    address,
    context,
    socketPath: address?.startsWith('unix://') ? address.slice('unix://'.length) : undefined,
    remoteHost: remoteHostOf(address),
    tls,
    description,
    env,
  };
}

/** The host name of a tcp:// or ssh:// engine; undefined for a local one (unix socket, npipe). */
function remoteHostOf(address: string | undefined): string | undefined {
  if (!address || !/^(tcp|ssh):\/\//.test(address)) return undefined;
  try {
    return new URL(address).hostname.replace(/^\[|\]$/g, '') || undefined;
  } catch {
    return undefined;
  }
}

/**
 * Where a port published on all interfaces is reached from here: 127.0.0.1 for a local engine
 * (Linux, Docker Desktop and Colima forward published ports to this machine's loopback), the
 * engine's host for a remote one.
 */
export function publishedPortsHost(endpoint: EngineEndpoint): string {
  return endpoint.remoteHost ?? '127.0.0.1';
}

/** The current context's name: DOCKER_CONTEXT, else the CLI config's `currentContext`. */
function contextName(env: NodeJS.ProcessEnv, read: ConfigReader): string | undefined {
  if (env.DOCKER_CONTEXT) return env.DOCKER_CONTEXT;
  const config = read(path.join(dockerConfigDir(env), 'config.json'));
  try {
    return config ? (JSON.parse(config) as { currentContext?: string }).currentContext : undefined;
  } catch {
    return undefined; // an unreadable config is the CLI's to report
  }
}

/** A named context's docker endpoint and whether it carries TLS material, as the CLI stores them. */
function contextMeta(env: NodeJS.ProcessEnv, read: ConfigReader, name: string): { host?: string; tls: boolean } {
  // The CLI stores a context under the sha256 of its name.
  const id = createHash('sha256').update(name).digest('hex');
  const contexts = path.join(dockerConfigDir(env), 'contexts');
  const meta = read(path.join(contexts, 'meta', id, 'meta.json'));
  if (!meta) return { tls: false };
  try {
    const docker = (JSON.parse(meta) as { Endpoints?: { docker?: { Host?: string; SkipTLSVerify?: boolean } } })
      .Endpoints?.docker;
    const tls = read(path.join(contexts, 'tls', id, 'docker', 'ca.pem')) !== undefined;
    return { ...(docker?.Host && { host: docker.Host }), tls: tls || docker?.SkipTLSVerify === true };
  } catch {
    return { tls: false };
  }
}
