import { createHash } from 'node:crypto';
import type { Engine, ImageContents } from '../../engine/engine.ts';
import { LABEL } from '../../engine/labels.ts';
import { isSecretName, REDACTED } from '../../report/redaction.ts';
import type { StackDefinition } from '../../stack/stack-definition.ts';
import { gitSha } from '../git-sha.ts';
import { type FolderSource, folderSource, workTreeDirty } from './git-source.ts';
import { FINGERPRINT_SCHEMA, type RunFingerprint, type ServiceFingerprint } from './run-fingerprint.ts';

/** Labels that are the runner's own (run id, owner): they differ every run and say nothing about the system. */
const OWN_LABEL = /^dev\.compose-journeys\./;

/**
 * The fingerprint of a stack that is up: per service the image its container runs, the source of
 * its build context and its resolved config; the run's commit and the engine. Taken by the stack
 * setup, once per run (about the cost of one `docker compose version`).
 */
export async function collectFingerprint(
  engine: Engine,
  definition: Pick<StackDefinition, 'config' | 'target'>,
  rootDir: string,
): Promise<RunFingerprint> {
  const { projectName } = definition.target;
  const [containers, version] = await Promise.all([
    engine.listContainers(projectName),
    engine.version().catch(() => undefined),
  ]);
  // Compose labels every container with its version: no Compose process to start for it.
  const compose = containers.map((container) => container.labels[LABEL.composeVersion]).find(Boolean);
  const images = new Map<string, string>();
  for (const container of containers) {
    const service = container.labels[LABEL.service];
    if (service && container.imageId) images.set(service, container.imageId);
  }
  const contents = await engine.imageContents([...images.values()]).catch(() => new Map<string, ImageContents>());
  const entries = Object.entries(definition.config.services);
  // Every git question at once: a stack of ten built services costs one git round, not thirty.
  const [sources, dirty] = await Promise.all([
    Promise.all(
      entries.map(([, service]) => {
        const context = (service as { build?: { context?: string } }).build?.context;
        return context ? folderSource(context) : undefined;
      }),
    ),
    workTreeDirty(rootDir),
  ]);
  const services: Record<string, ServiceFingerprint> = {};
  for (const [index, [name, service]] of entries.entries()) {
    const { hash, values } = resolvedValues(service as Record<string, unknown>, projectName);
    const source = sources[index];
    const imageId = images.get(name);
    const held = imageId ? contents.get(imageId) : undefined;
    const digest = held?.digests[0];
    services[name] = {
      ...(imageId ? { imageId } : {}),
      ...(digest ? { digest } : {}),
      ...(held?.layers.length
        ? { layers: createHash('sha256').update(held.layers.join('\n')).digest('hex').slice(0, 16) }
        : {}),
      ...(source ? { build: buildOf(source) } : {}),
      configHash: hash,
      config: values,
    };
  }
  const sha = gitSha(rootDir);
  return {
    schema: FINGERPRINT_SCHEMA,
    ...(sha ? { gitSha: sha } : {}),
    ...(dirty !== undefined ? { gitDirty: dirty } : {}),
    engine: { ...(version ? { version } : {}), ...(compose ? { compose } : {}) },
    services,
  };
}

/**
 * A service's resolved config as flat `path = value` pairs, stable across runs: the runner's own
 * labels left out, the project name (which differs per shard) written as `<project>`, absolute paths
 * kept as they are. Secret-named values are hashed with the rest (a changed secret still changes the
 * hash) but stored as [REDACTED].
 */
export function resolvedValues(
  service: Record<string, unknown>,
  projectName: string,
): { hash: string; values: Record<string, string> } {
  const flat: [string, string, boolean][] = [];
  const walk = (value: unknown, at: string, secret: boolean): void => {
    if (value === null || value === undefined) return;
    if (Array.isArray(value)) {
      for (const [index, item] of value.entries()) walk(item, `${at}[${index}]`, secret);
      return;
    }
    if (typeof value === 'object') {
      for (const key of Object.keys(value as object).sort()) {
        if (at === 'labels' && OWN_LABEL.test(key)) continue;
        walk((value as Record<string, unknown>)[key], at ? `${at}.${key}` : key, secret || isSecretName(key));
      }
      return;
    }
    flat.push([at, String(value).split(projectName).join('<project>'), secret]);
  };
  walk(service, '', false);
  const hash = createHash('sha256');
  for (const [key, value] of flat) hash.update(`${key}\0${value}\n`);
  return {
    hash: hash.digest('hex').slice(0, 16),
    values: Object.fromEntries(flat.map(([key, value, secret]) => [key, secret ? REDACTED : value])),
  };
}

function buildOf({ path: context, ...rest }: FolderSource): NonNullable<ServiceFingerprint['build']> {
  return { context, ...rest };
}
