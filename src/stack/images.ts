import { existsSync } from 'node:fs';
import path from 'node:path';
import { JourneysError } from '../errors.ts';
import { type ComposeTarget, compose } from './compose-target.ts';
import { docker } from './docker-cli.ts';
import { LABEL } from './labels.ts';
import { builtBy, imageOfBuild } from './labels-override.ts';
import type { ResolvedConfig } from './resolved-config.ts';

/**
 * Pulls only images that are missing, before the wait clock starts: a slow registry must not be
 * mistaken for a slow healthcheck, and an offline machine gets a fix instead of a pull error.
 */
export async function pullMissingImages(
  target: ComposeTarget,
  config: ResolvedConfig,
  log: (line: string) => void,
): Promise<void> {
  const pulled = Object.entries(config.services).filter(([, service]) => service.image && !service.build);
  if (pulled.length === 0) return;
  // One `docker image inspect` for all of them; only when one is missing, one per image to say which.
  const images = [...new Set(pulled.map(([, service]) => service.image!))];
  const all = await docker(['image', 'inspect', '--format', '{{.Id}}', ...images]);
  const missing: string[] = [];
  if (all.exitCode !== 0) {
    await Promise.all(
      pulled.map(async ([name, service]) => {
        const found = await docker(['image', 'inspect', '--format', '{{.Id}}', service.image!]);
        if (found.exitCode !== 0) missing.push(name);
      }),
    );
  }
  if (missing.length === 0) return;
  log(`pulling images for ${missing.join(', ')}`);
  const result = await compose(target, ['pull', '--quiet', ...missing]);
  if (result.exitCode !== 0) {
    throw new JourneysError(
      'STACK_STARTUP',
      `Images for ${missing.join(', ')} are not on this machine and could not be pulled.`,
      `${result.stderr.trim()}\n\nFix: check the image names and your registry login; without a registry, add an offline override (x-journeys.offline) and run \`npx journeys provision\`, or set JOURNEYS_OFFLINE=1.`,
    );
  }
}

/**
 * Builds the services that have a `build:` section (Docker's layer cache keeps repeat builds quick).
 * Returns whether it built anything.
 */
export async function buildImages(
  target: ComposeTarget,
  config: ResolvedConfig,
  log: (line: string) => void,
): Promise<boolean> {
  const built = Object.entries(config.services)
    .filter(([, service]) => service.build)
    .map(([name]) => name);
  if (built.length === 0) return false;
  const started = Date.now();
  log(`building images for ${built.join(', ')}`);
  const heartbeat = setInterval(() => log(`still building (${Math.round((Date.now() - started) / 1000)} s)`), 10_000);
  const result = await compose(target, ['build', ...built]).finally(() => clearInterval(heartbeat));
  if (result.exitCode !== 0) {
    const output = `${result.stdout}\n${result.stderr}`.trim().split('\n').slice(-40).join('\n');
    throw new JourneysError(
      'STACK_STARTUP',
      `Building the images of ${built.join(', ')} failed.`,
      `${output}\n\nFix: the build error is above; \`docker compose build\` shows the same.`,
    );
  }
  log(`images built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return true;
}

/**
 * A rebuild moves a tag to a new image and leaves the old one dangling. Those, and only those
 * (dangling, labelled by our builds as a tag this stack just built), are removed; one that a
 * container still uses stays. No `docker image prune`: the engine runs one prune at a time, and
 * two stacks starting side by side would refuse each other's.
 */
export async function pruneDanglingImages(
  target: ComposeTarget,
  config: ResolvedConfig,
  log: (line: string) => void,
): Promise<void> {
  const built = new Set(
    Object.entries(config.services)
      .filter(([, service]) => service.build)
      .map(([name, service]) => imageOfBuild(target, name, service)),
  );
  await removeOrphanedImages(log);
  const dangling = await docker([
    'image',
    'ls',
    '--quiet',
    '--filter',
    'dangling=true',
    '--filter',
    `label=${LABEL.imageOf}`,
  ]);
  const ids = [...new Set(dangling.stdout.split('\n').filter(Boolean))];
  if (dangling.exitCode !== 0 || ids.length === 0) return;
  const labelled = await docker([
    'image',
    'inspect',
    '--format',
    `{{.Id}} {{index .Config.Labels "${LABEL.imageOf}"}}`,
    ...ids,
  ]);
  const ours = labelled.stdout
    .split('\n')
    .map((line) => line.split(' '))
    .filter(([id, tag]) => id && tag && built.has(tag))
    .map(([id]) => id!);
  if (ours.length === 0) return;
  const removed = await docker(['image', 'rm', ...ours]);
  // One in use by a container stays (and fails the command); count what went.
  const count = ours.filter((id) => removed.stdout.includes(id)).length;
  if (count > 0) log(`removed ${count} dangling image(s) our earlier builds of ${[...built].join(', ')} left`);
}

/**
 * Images we named for a checkout that no longer exists (its compose file is gone: a deleted
 * worktree, a CI workspace, a temporary repo) are nobody's build cache: removed, if this user on
 * this machine built them and no container uses them. Others' images are never touched.
 */
async function removeOrphanedImages(log: (line: string) => void): Promise<void> {
  const listed = await docker(['image', 'ls', '--quiet', '--filter', `label=${LABEL.builtFrom}`]);
  const ids = [...new Set(listed.stdout.split('\n').filter(Boolean))];
  if (listed.exitCode !== 0 || ids.length === 0) return;
  const labelled = await docker([
    'image',
    'inspect',
    '--format',
    `{{.Id}}\t{{index .Config.Labels "${LABEL.builtBy}"}}\t{{index .Config.Labels "${LABEL.builtFrom}"}}\t{{range .RepoTags}}{{.}},{{end}}`,
    ...ids,
  ]);
  const me = builtBy();
  const orphans = labelled.stdout
    .split('\n')
    .map((line) => line.split('\t'))
    .filter(([id, by, from]) => id && by === me && from && path.isAbsolute(from) && !existsSync(from));
  if (orphans.length === 0) return;
  // By tag (an id with several tags is refused); without --force, one in use stays.
  const refs = orphans.flatMap(([id, , , tags]) => {
    const named = (tags ?? '').split(',').filter(Boolean);
    return named.length > 0 ? named : [id!];
  });
  const removed = await docker(['image', 'rm', ...refs]);
  const count = refs.filter(
    (ref) => removed.stdout.includes(`Untagged: ${ref}`) || removed.stdout.includes(ref),
  ).length;
  if (count > 0)
    log(
      `removed ${count} image(s) built for checkouts that no longer exist (${orphans.map(([, , from]) => from).join(', ')})`,
    );
}
