import type { Host } from './host.ts';

/** `up --wait-timeout`, `config --format json`, `ps --format json`: what the engine code relies on. */
export const MIN_COMPOSE_VERSION = '2.20.0';
/** Healthcheck `start_interval` (fast probes while starting, rare ones after) needs Engine >= 25. */
export const START_INTERVAL_ENGINE = '25.0.0';

/** Undefined when the docker CLI has no working `compose` (or there is no docker CLI). */
export function composeVersion(host: Host): Promise<string | undefined> {
  return host.engine.composeVersion().catch(() => undefined);
}

export async function composeUsable(host: Host): Promise<boolean> {
  const version = await composeVersion(host);
  return version !== undefined && versionAtLeast(version, MIN_COMPOSE_VERSION);
}

export function versionAtLeast(version: string, minimum: string): boolean {
  const parse = (v: string) =>
    v
      .split(/[.+-]/)
      .slice(0, 3)
      .map((part) => Number.parseInt(part, 10) || 0);
  const [a, b] = [parse(version), parse(minimum)];
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i]! > b[i]!;
  return true;
}
