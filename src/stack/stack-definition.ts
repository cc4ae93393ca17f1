import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { ComposeTarget } from '../engine/compose.ts';
import type { ContainerState } from '../engine/container-state.ts';
import { currentEngine } from '../engine/current-engine.ts';
import type { Engine } from '../engine/engine.ts';
import { LABEL } from '../engine/labels.ts';
import { JourneysError } from '../errors.ts';
import { runProjectName, stableProjectName } from '../run/run-identity.ts';
import { type RunMode, runMode } from '../run/run-mode.ts';
import { yaml } from '../util/yaml.ts';
import { type CachedVariant, type CacheEntry, forProject, inputsKey, readCache, writeCache } from './config-cache.ts';
import { describeLocations, locateComplaint } from './config-error-location.ts';
import { registryReachable } from './registry-probe.ts';
import { parseResolvedConfig, type ResolvedConfig } from './resolved-config.ts';
import { detectRoles, type RoleOverrides, type ServiceRoles } from './service-roles.ts';

export { stableProjectName };

export interface StackOptions {
  /** Compose files, base first; relative to `cwd`. */
  files: string[];
  projectName?: string;
  profiles?: string[];
  envFiles?: string[];
  /** `auto` (default) uses the stack's `x-journeys.offline` override only when no image registry answers. */
  offline?: boolean | 'auto';
  /** Reuse a running stack whose resolved config is unchanged (`JOURNEYS_REUSE=1`). */
  reuse?: boolean;
  /**
   * Apply the stack's `x-journeys.limits` override (the CPU and memory limits of the CI runner), so a
   * laptop run sees what CI sees. Default: on when `CI` is set, or `JOURNEYS_LIMITS=1`; `JOURNEYS_LIMITS=0` turns it off.
   */
  limits?: boolean;
  /** Services by role where detection is not enough, e.g. `{ rabbitmq: 'broker' }`. */
  services?: RoleOverrides;
  cwd?: string;
  log?: (line: string) => void;
}

/** A resolved, validated stack that has not been started: all you can do is start or lint it. */
export interface StackDefinition {
  readonly target: ComposeTarget;
  readonly config: ResolvedConfig;
  /** sha256 of the resolved config: what `reuse` compares. */
  readonly configHash: string;
  readonly offline: boolean;
  readonly reuse: boolean;
  /** The services of each role (service-roles.ts): how fixtures find the stack's databases, brokers and mocks. */
  readonly roles: ServiceRoles;
  /** What `docker compose config` warned about (obsolete `version:`, unset variables...). */
  readonly composeWarnings: string[];
  /**
   * With `reuse`, the project's containers when it was defined (one `docker ps`, made alongside
   * the resolution): what the reuse check looks at.
   */
  readonly running?: ContainerState[];
  /** Where the resolution is cached (lint findings are kept with it); undefined when it cannot be. */
  readonly cache?: { key: string; variant: 'online' | 'offline' };
}

/** Each service's environment as Compose resolved it: what fixtures read credentials from, and what redaction hides. */
export function serviceEnvironments(definition: StackDefinition): Record<string, Record<string, string | null>> {
  return Object.fromEntries(
    Object.entries(definition.config.services).map(([name, service]) => [name, service.environment ?? {}]),
  );
}

/**
 * Resolves and validates a stack. Compose does the resolving (`docker compose config`); the result
 * is cached under a hash of its inputs (config-cache.ts), so an unchanged stack costs file reads.
 * With `reuse`, the running project is looked at (one `docker ps`) alongside: when its config hash
 * is one of the cached resolutions, that one is taken without asking the registry.
 */
export function defineStack(options: StackOptions): Promise<StackDefinition> {
  return defineStackFor(runMode(options), options);
}

/**
 * For a run whose mode is decided already (stackProjects, the CLI): reuse, offline and limits are the
 * mode's. `engine`: the unit lane's recording fake.
 */
export async function defineStackFor(
  mode: RunMode,
  options: Omit<StackOptions, 'reuse' | 'offline' | 'limits'>,
  engine: Engine = currentEngine(),
): Promise<StackDefinition> {
  const log = options.log ?? (() => {});
  const cwd = options.cwd ?? process.cwd();
  const files = withLimitsOverride(
    options.files.map((file) => path.resolve(cwd, file)),
    mode.limits,
    log,
  );
  const envFiles = (options.envFiles ?? []).map((file) => path.resolve(cwd, file));
  for (const file of [...files, ...envFiles]) {
    if (!existsSync(file)) {
      throw new JourneysError(
        'CONFIG_INVALID',
        `Compose file not found: ${file}`,
        'Fix: check the -f/--file and --env-file paths (relative to the current directory).',
      );
    }
  }
  if (files.length === 0)
    throw new JourneysError(
      'USAGE',
      'No compose file given.',
      'Fix: pass -f compose.yml, or set "journeys.stack.files" in package.json.',
    );
  const { reuse } = mode;
  const projectName = options.projectName ?? runProjectName(files[0]!, mode);
  const profiles = options.profiles ?? [];
  const base: ComposeTarget = { projectName, files, profiles, envFiles };

  // Only the reuse check needs the running containers now; a fresh start looks for leftovers
  // itself, alongside its image check (start-stack.ts).
  const running = reuse ? engine.glanceContainers(projectName) : undefined;
  running?.catch(() => {}); // awaited below; a failure surfaces there
  const cached = cachedResolutions(base);
  const { key, entry, usable } = cached;

  // Reuse: the running stack says which resolution it was started from.
  if (running) {
    const containers = await running;
    const found = resolutionOf(cached, projectName, containers);
    if (found) return finish(options, reuse, base, found.variant, found.name, key, containers);
  }

  let changed = false;
  let online = usable('online');
  if (!online) {
    online = await resolve(engine, base);
    entry.online = online;
    delete entry.offline;
    changed = true;
  }
  const overrides = cached.offlineOverrides(online);
  let chosen: CachedVariant = online;
  let name: 'online' | 'offline' = 'online';
  if (overrides.length > 0) {
    const offlineTarget: ComposeTarget = {
      ...base,
      files: [...files, ...overrides.filter((file) => !files.includes(file))],
    };
    let offline = usable('offline');
    // The registry question and the offline resolution run side by side.
    const resolving = offline
      ? Promise.resolve(offline)
      : resolve(engine, offlineTarget).then((variant) => ({ ...variant, extraKey: cached.offlineKey(overrides) }));
    resolving.catch(() => {});
    if (await wantOffline(engine, mode.offline, online.config)) {
      log(
        `No image registry reachable: using the offline override ${overrides.map((f) => path.relative(cwd, f)).join(', ')}.`,
      );
      if (!offline) {
        offline = await resolving;
        entry.offline = offline;
        changed = true;
      }
      chosen = offline;
      name = 'offline';
    }
  }
  if (changed && key) writeCache(entry);
  return finish(options, reuse, base, chosen, name, key, await running);
}

/**
 * The definition of a running stack from the cached resolution its containers were started from:
 * file reads only, no Compose, no registry. Undefined when the inputs changed since (or were never
 * resolved here). Synchronous, for the reuse check while Playwright loads the config.
 */
export function defineRunningStackSync(
  options: StackOptions & { projectName: string },
  containers: readonly ContainerState[],
): StackDefinition | undefined {
  const cwd = options.cwd ?? process.cwd();
  const base: ComposeTarget = {
    projectName: options.projectName,
    files: options.files.map((file) => path.resolve(cwd, file)),
    profiles: options.profiles ?? [],
    envFiles: (options.envFiles ?? []).map((file) => path.resolve(cwd, file)),
  };
  const cached = cachedResolutions(base);
  const found = resolutionOf(cached, base.projectName, containers);
  if (!found) return undefined;
  try {
    return finish(options, true, base, found.variant, found.name, cached.key, [...containers]);
  } catch {
    return undefined; // a role error: the setup project reports it
  }
}

interface CachedResolutions {
  readonly key: string | undefined;
  readonly entry: CacheEntry;
  /** A cached variant, if its inputs are unchanged (the offline one: its override files too). */
  usable(name: 'online' | 'offline'): CachedVariant | undefined;
  offlineOverrides(online: CachedVariant): string[];
  offlineKey(overrides: string[]): string | undefined;
}

function cachedResolutions(base: ComposeTarget): CachedResolutions {
  const { projectName, files, profiles, envFiles } = base;
  const key = inputsKey({ projectName, files, profiles, envFiles });
  const entry: CacheEntry = (key ? readCache(key) : undefined) ?? { key: key ?? '' };
  const offlineOverrides = (variant: CachedVariant) =>
    (variant.config['x-journeys']?.offline ?? []).map((file) => path.resolve(path.dirname(files[0]!), file));
  const offlineKey = (overrides: string[]) => inputsKey({ projectName, files: overrides, profiles, envFiles });
  const usable = (name: 'online' | 'offline'): CachedVariant | undefined => {
    const variant = entry[name];
    if (!variant) return undefined;
    if (name === 'offline' && (!entry.online || variant.extraKey !== offlineKey(offlineOverrides(entry.online))))
      return undefined;
    return variant;
  };
  return { key, entry, usable, offlineOverrides, offlineKey };
}

/** The cached resolution whose hash every running container carries. */
function resolutionOf(
  cached: CachedResolutions,
  projectName: string,
  containers: readonly ContainerState[],
): { variant: CachedVariant; name: 'online' | 'offline' } | undefined {
  const hashes = new Set(containers.map((container) => container.labels[LABEL.configHash]));
  if (hashes.size !== 1) return undefined;
  for (const name of ['online', 'offline'] as const) {
    const variant = cached.usable(name);
    if (variant && hashes.has(hashOf(forProject(variant.config, variant.projectName, projectName))))
      return { variant, name };
  }
  return undefined;
}

function finish(
  options: Pick<StackOptions, 'services'>,
  reuse: boolean,
  base: ComposeTarget,
  variant: CachedVariant,
  name: 'online' | 'offline',
  key: string | undefined,
  running: ContainerState[] | undefined,
): StackDefinition {
  const config = forProject(variant.config, variant.projectName, base.projectName);
  let roles: ServiceRoles;
  try {
    roles = detectRoles(config, options.services);
  } catch (error) {
    throw new JourneysError(
      'CONFIG_INVALID',
      (error as Error).message,
      'Fix: correct the service names in "journeys.services" (package.json) or stackProjects({ services }).',
    );
  }
  return {
    target: { ...base, files: variant.files },
    config,
    configHash: hashOf(config),
    offline: name === 'offline',
    reuse,
    roles,
    composeWarnings: variant.warnings,
    running,
    cache: key ? { key, variant: name } : undefined,
  };
}

function hashOf(config: ResolvedConfig): string {
  return createHash('sha256').update(JSON.stringify(config)).digest('hex').slice(0, 16);
}

/** The files with the stack's `x-journeys.limits` override after them, when the limits profile applies. */
function withLimitsOverride(files: string[], limits: RunMode['limits'], log: (line: string) => void): string[] {
  if (files.length === 0 || limits === 'off') return files;
  const declared = limitsOverrideOf(files[0]!);
  if (!declared) {
    if (limits === 'asked')
      log(
        `No CI limits applied: ${path.basename(files[0]!)} declares no x-journeys.limits override (a compose file with the runner's CPU and memory limits; docs/configuration.md).`,
      );
    return files;
  }
  if (!existsSync(declared))
    throw new JourneysError(
      'CONFIG_INVALID',
      `The CI limits override ${declared} does not exist (x-journeys.limits in ${files[0]}).`,
      'Fix: create it (services with deploy.resources.limits), correct the path (relative to that compose file), or run with JOURNEYS_LIMITS=0.',
    );
  log(`Applying the CI limits override ${path.relative(process.cwd(), declared)}.`);
  return files.includes(declared) ? files : [...files, declared];
}

/**
 * `x-journeys.limits` of a compose file, read from the file itself (it decides which files Compose
 * gets, so it is needed before Compose resolves them); once resolved, `limitsOverrideIn` reads it.
 */
function limitsOverrideOf(file: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined; // the missing file is reported with the others
  }
  // Most files declare no extension of ours: the YAML parser only for those that do.
  if (!/^x-journeys\s*:/m.test(text)) return undefined;
  let document: unknown;
  try {
    document = yaml().parse(text);
  } catch {
    return undefined; // Compose reports a broken file, with its line
  }
  return overrideFileOf((document as { 'x-journeys'?: { limits?: unknown } } | null)?.['x-journeys']?.limits, file);
}

/** The CI limits override a resolved stack declares, as a path; undefined when it declares none. */
export function limitsOverrideIn(definition: Pick<StackDefinition, 'config' | 'target'>): string | undefined {
  const first = definition.target.files[0];
  return first ? overrideFileOf(definition.config['x-journeys']?.limits, first) : undefined;
}

/** An override named in a compose file: relative to that file's folder, as Compose reads its own paths. */
function overrideFileOf(name: unknown, composeFile: string): string | undefined {
  return typeof name === 'string' && name ? path.resolve(path.dirname(composeFile), name) : undefined;
}

async function wantOffline(engine: Engine, offline: RunMode['offline'], config: ResolvedConfig): Promise<boolean> {
  if (offline !== 'auto') return offline;
  const publicImage = Object.values(config.services).find((service) => service.image && !service.build)?.image;
  return !(await registryReachable(engine, publicImage));
}

/** Lets Compose parse, merge and validate; maps its messages to CONFIG_INVALID naming the files. */
async function resolve(engine: Engine, target: ComposeTarget): Promise<CachedVariant> {
  const result = await engine.compose(target, ['config', '--format', 'json']);
  const warnings = result.stderr
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  if (result.exitCode !== 0) {
    const complaint = warnings.at(-1) ?? 'no message';
    // Compose may quote only the value it rejected: name where that value stands (a few places at most).
    const places = locateComplaint(target.files, complaint);
    const where = places.length > 0 && places.length <= 3 ? ` (${describeLocations(places)})` : '';
    throw new JourneysError(
      'CONFIG_INVALID',
      `Compose rejected the stack (${target.files.map((f) => path.relative(process.cwd(), f)).join(', ')}): ${complaint}${where}`,
      `${warnings.join('\n')}\n\nFix: correct the file/service named above; \`docker compose ${target.files.map((f) => `-f ${f}`).join(' ')} config\` shows the same check.`,
    );
  }
  const parsed = await parseResolvedConfig(JSON.parse(result.stdout));
  if ('problems' in parsed) {
    throw new JourneysError(
      'CONFIG_INVALID',
      `The resolved config of ${target.files.join(', ')} is not what compose-journeys understands.`,
      parsed.problems,
    );
  }
  return { files: [...target.files], projectName: target.projectName, config: parsed.config, warnings };
}
