import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { configCacheFile } from '../run/state-files.ts';
import { yaml } from '../util/yaml.ts';
import type { ResolvedConfig } from './resolved-config.ts';

/**
 * Resolving a stack (`docker compose config`, twice with an offline override) costs a few hundred
 * milliseconds to seconds; the reuse loop must not pay it when nothing changed. The resolved config
 * is kept under a hash of everything Compose reads to produce it:
 *
 * - every compose file, and every file they reach: `include:`, `extends.file`, `env_file:` (each
 *   relative path is tried against the file's folder and the project folder; a candidate that does
 *   not exist counts as "missing", so creating it later changes the key);
 * - `--env-file`s and the project folder's `.env`;
 * - the value (or absence) of every environment variable named in any of those files (`$X`,
 *   `${X…}`: over-approximated, never under), and of every `COMPOSE_*` variable;
 * - profiles; the Compose binary itself (size and mtime of the CLI plugins).
 *
 * A path built from a variable cannot be followed without Compose: such a stack is never cached.
 * Not in the key, on purpose: the contents of build contexts (they are not part of the resolved
 * config either; the README says to run without reuse after changing service code).
 */
export interface CacheInputs {
  projectName: string;
  files: readonly string[];
  profiles: readonly string[];
  envFiles: readonly string[];
}

const CACHE_VERSION = 1;
const PLUGIN_DIRS = [
  '/usr/libexec/docker/cli-plugins',
  '/usr/lib/docker/cli-plugins',
  '/usr/local/lib/docker/cli-plugins',
  '/usr/local/libexec/docker/cli-plugins',
];

/** The hash of a resolution's inputs, or undefined when it cannot be computed safely. */
export function inputsKey(inputs: CacheInputs, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const projectDir = path.dirname(inputs.files[0] ?? '.');
  const hash = createHash('sha256');
  hash.update(
    JSON.stringify({ v: CACHE_VERSION, files: inputs.files, profiles: inputs.profiles, envFiles: inputs.envFiles }),
  );
  const seen = new Set<string>();
  const variables = new Set<string>();
  const queue: { file: string; compose: boolean }[] = [
    ...inputs.files.map((file) => ({ file, compose: true })),
    ...inputs.envFiles.map((file) => ({ file, compose: false })),
    { file: path.join(projectDir, '.env'), compose: false },
  ];
  while (queue.length > 0) {
    const { file, compose } = queue.shift()!;
    if (seen.has(file)) continue;
    seen.add(file);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') return undefined;
      hash.update(`\0missing\0${file}`);
      continue;
    }
    hash.update(`\0file\0${file}\0${text}`);
    // Compose sets it from -p: a file that interpolates it resolves differently per project.
    if (text.includes('COMPOSE_PROJECT_NAME')) hash.update(`\0project\0${inputs.projectName}`);
    for (const match of text.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)) variables.add(match[1]!);
    if (!compose) continue;
    const referenced = referencedFiles(text);
    if (referenced === undefined) return undefined;
    for (const reference of referenced) {
      if (reference.path.includes('$')) return undefined;
      for (const base of new Set([path.dirname(file), projectDir]))
        queue.push({ file: path.resolve(base, reference.path), compose: reference.compose });
    }
  }
  for (const name of Object.keys(env).filter((name) => name.startsWith('COMPOSE_'))) variables.add(name);
  for (const name of [...variables].sort())
    hash.update(`\0env\0${name}=${env[name] === undefined ? '\u0001unset' : env[name]}`);
  for (const dir of PLUGIN_DIRS) {
    try {
      const stat = statSync(path.join(dir, 'docker-compose'));
      hash.update(`\0plugin\0${dir}\0${stat.size}\0${stat.mtimeMs}`);
    } catch {}
  }
  return hash.digest('hex').slice(0, 24);
}

/**
 * Files a compose file reaches (include, extends.file, env_file), found without a YAML parser: the
 * keys are looked for in the text, and only a file that uses them is parsed. Undefined when one
 * cannot be read safely (the caller then does not cache).
 */
function referencedFiles(text: string): { path: string; compose: boolean }[] | undefined {
  if (!/\b(include|extends|env_file)\s*:/.test(text)) return [];
  // Rare enough that the parser's import cost only hits stacks that use these keys.
  return parseReferences(text);
}

function parseReferences(text: string): { path: string; compose: boolean }[] | undefined {
  let doc: unknown;
  try {
    doc = yaml().parse(text);
  } catch {
    return undefined; // Compose will say what is wrong; do not cache it
  }
  const found: { path: string; compose: boolean }[] = [];
  const strings = (value: unknown): string[] =>
    typeof value === 'string' ? [value] : Array.isArray(value) ? value.flatMap(strings) : [];
  const root = (doc ?? {}) as {
    include?: unknown;
    services?: Record<string, { extends?: unknown; env_file?: unknown } | null>;
  };
  for (const entry of Array.isArray(root.include) ? root.include : []) {
    if (typeof entry === 'string') found.push({ path: entry, compose: true });
    else if (entry && typeof entry === 'object') {
      const spec = entry as { path?: unknown; env_file?: unknown };
      for (const file of strings(spec.path)) found.push({ path: file, compose: true });
      for (const file of strings(spec.env_file)) found.push({ path: file, compose: false });
    }
  }
  for (const service of Object.values(root.services ?? {})) {
    if (!service || typeof service !== 'object') continue;
    const extendsFile = (service.extends as { file?: unknown } | undefined)?.file;
    if (typeof extendsFile === 'string') found.push({ path: extendsFile, compose: true });
    const envFiles = Array.isArray(service.env_file)
      ? service.env_file
      : service.env_file === undefined
        ? []
        : [service.env_file];
    for (const entry of envFiles) {
      const file = typeof entry === 'string' ? entry : (entry as { path?: unknown } | null)?.path;
      if (typeof file === 'string') found.push({ path: file, compose: false });
      else return undefined;
    }
  }
  return found;
}

/** One resolution: the files it used (base + override) and what Compose made of them. */
export interface CachedVariant {
  files: string[];
  /** Resolved under `projectName`; `forProject` renames it. */
  projectName: string;
  config: ResolvedConfig;
  warnings: string[];
  /** Key of the override files' own inputs (offline variant only): they are not in the entry's key. */
  extraKey?: string;
  /** Lint findings, computed once per resolution (lint parses YAML: not for every reuse). */
  lint?: unknown[];
  /** The rules and the CI limits override they were computed with (lint.ts `lintCacheKey`). */
  lintKey?: string;
}

export interface CacheEntry {
  key: string;
  online?: CachedVariant;
  offline?: CachedVariant;
}

export function readCache(key: string): CacheEntry | undefined {
  const file = configCacheFile(key);
  if (!existsSync(file)) return undefined;
  try {
    const entry = JSON.parse(readFileSync(file, 'utf8')) as CacheEntry;
    return entry.key === key ? entry : undefined;
  } catch {
    return undefined; // a torn or foreign file: resolve again (and overwrite it)
  }
}

export function writeCache(entry: CacheEntry): void {
  const file = configCacheFile(entry.key);
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify(entry));
    renameSync(temporary, file);
  } catch {
    // a cache that cannot be written only costs time
  }
}

/**
 * The config as Compose would resolve it under another project name. Only the name and the default
 * names Compose derives from it (`<project>_<network>`, `<project>_<volume>`) depend on it, unless
 * a file interpolates COMPOSE_PROJECT_NAME (then the project name is part of the cache key).
 */
export function forProject(config: ResolvedConfig, from: string, to: string): ResolvedConfig {
  if (from === to) return config;
  const rename = (resources: ResolvedConfig['networks']) =>
    resources &&
    Object.fromEntries(
      Object.entries(resources).map(([key, spec]) => [
        key,
        spec && !spec.external && spec.name === `${from}_${key}` ? { ...spec, name: `${to}_${key}` } : spec,
      ]),
    );
  return {
    ...config,
    name: config.name === from ? to : config.name,
    ...(config.networks ? { networks: rename(config.networks) } : {}),
    ...(config.volumes ? { volumes: rename(config.volumes) } : {}),
  };
}
