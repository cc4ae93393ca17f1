import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { JourneysError } from '../errors.ts';
import { compose, type ComposeTarget } from './compose-target.ts';
import { resolvedConfigSchema, type ResolvedConfig } from './resolved-config.ts';
import { registryReachable } from './registry-probe.ts';
import { detectRoles, type RoleOverrides, type ServiceRoles } from './service-roles.ts';

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
  /** Which services are the Postgres, Kafka, RabbitMQ and WireMock of the stack: how fixtures find them. */
  readonly roles: ServiceRoles;
  /** What `docker compose config` warned about (obsolete `version:`, unset variables...). */
  readonly composeWarnings: string[];
}

/** Each service's environment as Compose resolved it: what fixtures read credentials from, and what redaction hides. */
export function serviceEnvironments(definition: StackDefinition): Record<string, Record<string, string | null>> {
  return Object.fromEntries(Object.entries(definition.config.services).map(([name, service]) => [name, service.environment ?? {}]));
}

export async function defineStack(options: StackOptions): Promise<StackDefinition> {
  const log = options.log ?? (() => {});
  const cwd = options.cwd ?? process.cwd();
  const files = options.files.map((file) => path.resolve(cwd, file));
  const envFiles = (options.envFiles ?? []).map((file) => path.resolve(cwd, file));
  for (const file of [...files, ...envFiles]) {
    if (!existsSync(file)) {
      throw new JourneysError('CONFIG_INVALID', `Compose file not found: ${file}`, 'Fix: check the -f/--file and --env-file paths (relative to the current directory).');
    }
  }
  if (files.length === 0) throw new JourneysError('USAGE', 'No compose file given.', 'Fix: pass -f compose.yml, or set "journeys.stack.files" in package.json.');
  const reuse = options.reuse ?? process.env.JOURNEYS_REUSE === '1';
  const projectName = options.projectName ?? process.env.JOURNEYS_PROJECT ?? (reuse ? stableProjectName(files[0]!) : `${stableProjectName(files[0]!)}-${runSuffix()}`);
  const base: ComposeTarget = { projectName, files, profiles: options.profiles ?? [], envFiles };

  let resolved = await resolve(base);
  let target = base;
  const overrides = resolved.config['x-journeys']?.offline ?? [];
  const offline = overrides.length > 0 && (await wantOffline(options.offline, resolved.config));
  if (offline) {
    const overrideFiles = overrides.map((file) => path.resolve(path.dirname(files[0]!), file));
    log(`No image registry reachable: using the offline override ${overrideFiles.map((f) => path.relative(cwd, f)).join(', ')}.`);
    target = { ...base, files: [...files, ...overrideFiles.filter((file) => !files.includes(file))] };
    resolved = await resolve(target);
  }
  const configHash = createHash('sha256').update(JSON.stringify(resolved.config)).digest('hex').slice(0, 16);
  let roles: ServiceRoles;
  try {
    roles = detectRoles(resolved.config, options.services);
  } catch (error) {
    throw new JourneysError('CONFIG_INVALID', (error as Error).message, 'Fix: correct the service names in "journeys.services" (package.json) or stackProjects({ services }).');
  }
  return { target, config: resolved.config, configHash, offline, reuse, roles, composeWarnings: resolved.warnings };
}

async function wantOffline(option: StackOptions['offline'], config: ResolvedConfig): Promise<boolean> {
  const forced = process.env.JOURNEYS_OFFLINE;
  if (option === true || option === false) return option;
  if (forced === '1' || forced === 'true') return true;
  if (forced === '0' || forced === 'false') return false;
  const publicImage = Object.values(config.services).find((service) => service.image && !service.build)?.image;
  return !(await registryReachable(publicImage));
}

/** Lets Compose parse, merge and validate; maps its messages to CONFIG_INVALID naming the files. */
async function resolve(target: ComposeTarget): Promise<{ config: ResolvedConfig; warnings: string[] }> {
  const result = await compose(target, ['config', '--format', 'json']);
  const warnings = result.stderr.split('\n').map((line) => line.trim()).filter(Boolean);
  if (result.exitCode !== 0) {
    throw new JourneysError(
      'CONFIG_INVALID',
      `Compose rejected the stack (${target.files.map((f) => path.relative(process.cwd(), f)).join(', ')}): ${warnings.at(-1) ?? 'no message'}`,
      `${warnings.join('\n')}\n\nFix: correct the file/service named above; \`docker compose ${target.files.map((f) => `-f ${f}`).join(' ')} config\` shows the same check.`,
    );
  }
  const parsed = resolvedConfigSchema.safeParse(JSON.parse(result.stdout));
  if (!parsed.success) {
    throw new JourneysError('CONFIG_INVALID', `The resolved config of ${target.files.join(', ')} is not what compose-journeys understands.`, z.prettifyError(parsed.error));
  }
  return { config: parsed.data, warnings };
}

/** `journeys-<directory of the first compose file>`: what the CLI and reused stacks are called. */
export function stableProjectName(firstFile: string): string {
  return `journeys-${sanitize(path.basename(path.dirname(firstFile)))}`;
}

function sanitize(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9_-]/g, '') || 'stack';
}

/** Unique per run and per shard, so parallel CI jobs on one engine never share a project. */
function runSuffix(): string {
  const fromEnv = process.env.JOURNEYS_RUN_ID;
  if (fromEnv) return sanitize(fromEnv);
  const id = Math.random().toString(36).slice(2, 8);
  process.env.JOURNEYS_RUN_ID = id; // workers and child processes agree on the same project name
  return id;
}
