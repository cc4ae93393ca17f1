import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ComposeTarget } from '../engine/compose.ts';
import { LABEL, REUSABLE_OWNER } from '../engine/labels.ts';
import { legacyOwnerLabel, type RunOwner, runKey, stableProjectName } from '../run/run-identity.ts';
import { stateFile } from '../run/state-files.ts';
import type { ResolvedConfig } from './resolved-config.ts';

/**
 * Adds our labels to every service, network and volume through one more `-f` file, so the user's
 * files stay untouched and Compose still does all the merging. JSON is valid Compose YAML.
 *
 * It also names the images Compose builds: without an `image:` Compose tags a build
 * `<project>-<service>`, a new tag per run (and a dangling image per run after it). Ours are named
 * from the stack (`builtImageName`), so every run reuses one tag and the build cache, and carry a
 * label that lets us prune their dangling predecessors, and only those.
 */
export function withLabelsOverride(
  target: ComposeTarget,
  config: ResolvedConfig,
  labels: Record<string, string>,
): ComposeTarget {
  const own = (resources: ResolvedConfig['networks']) =>
    Object.fromEntries(
      Object.entries(resources ?? {})
        .filter(([, spec]) => !spec?.external)
        .map(([name]) => [name, { labels }]),
    );
  const services = Object.fromEntries(
    Object.entries(config.services).map(([name, service]) => {
      if (!service.build) return [name, { labels }];
      const image = imageOfBuild(target, name, service);
      // Not `managed`: containers inherit their image's labels, and a stack of someone else's that
      // runs one of our images must not look like ours to `reap` or `status`. Only images we name
      // say where they were built from: one the user named is theirs to keep.
      const origin = service.image ? {} : { [LABEL.builtFrom]: target.files[0] ?? '', [LABEL.builtBy]: builtBy() };
      return [name, { labels, image, build: { labels: { [LABEL.imageOf]: image, ...origin } } }];
    }),
  );
  const override = { services, networks: own(config.networks), volumes: own(config.volumes) };
  const file = stateFile(target.projectName, 'labels');
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(override, null, 2));
  return { ...target, internalFiles: [file] };
}

/** Who builds an image here: `<login>@<hostname>`. */
export function builtBy(): string {
  return `${os.userInfo().username}@${os.hostname()}`;
}

/**
 * The tag a service's build gets, and the label its image carries: the user's `image:` when there
 * is one, else `builtImageName`. Labelled with the tag and nothing stack-specific, so two stacks
 * that build one named image (`compose-journeys/postgres:offline`) build the very same image and
 * neither leaves the other's dangling; the label says which tag a dangling image was ours under.
 */
export function imageOfBuild(target: ComposeTarget, service: string, spec: ResolvedConfig['services'][string]): string {
  return spec.image ?? builtImageName(target, service, spec.build);
}

/**
 * `journeys-shop-orders:3f2a9c1b`: the stack's stable name and the service, tagged with a hash of
 * the stack's location and the service's build section, so runs of one checkout share it and two
 * checkouts (or the online and offline builds) never overwrite each other's.
 */
export function builtImageName(target: ComposeTarget, service: string, build: unknown): string {
  const first = target.files[0] ?? '';
  return `${stableProjectName(first)}-${service.toLowerCase().replace(/[^a-z0-9_.-]/g, '')}:${shortHash(`${first}\n${JSON.stringify(build)}`)}`;
}

function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 10);
}

/** Our labels for a stack: the owner (both forms), its config hash. Reusable stacks belong to nobody. */
export function journeysLabels(
  configHash: string,
  owner: RunOwner,
  { reusable = false, keep }: { reusable?: boolean; keep?: string } = {},
): Record<string, string> {
  return {
    ...(keep ? { [LABEL.keep]: keep } : {}),
    [LABEL.managed]: 'true',
    [LABEL.owner]: reusable ? REUSABLE_OWNER : legacyOwnerLabel(owner),
    [LABEL.run]: runKey(owner),
    [LABEL.user]: process.env.USER ?? process.env.LOGNAME ?? String(owner.uid),
    [LABEL.configHash]: configHash,
  };
}
