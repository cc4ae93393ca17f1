import { existsSync } from 'node:fs';
import path from 'node:path';
import type { ComposeTarget } from '../engine/compose.ts';
import type { Engine } from '../engine/engine.ts';
import { LABEL } from '../engine/labels.ts';
import { JourneysError } from '../errors.ts';
import { NODE_IMAGE } from '../provision/base-image-names.ts';
import { builtBy, imageOfBuild } from './labels-override.ts';
import type { ResolvedConfig } from './resolved-config.ts';

/**
 * Pulls only images that are missing, before the wait clock starts: a slow registry must not be
 * mistaken for a slow healthcheck, and an offline machine gets a fix instead of a pull error.
 */
export async function pullMissingImages(
  engine: Engine,
  target: ComposeTarget,
  config: ResolvedConfig,
  log: (line: string) => void,
): Promise<void> {
  const pulled = Object.entries(config.services).filter(([, service]) => service.image && !service.build);
  if (pulled.length === 0) return;
  const images = [...new Set(pulled.map(([, service]) => service.image!))];
  const absent = await engine.absentImages(images);
  const missing = pulled.filter(([, service]) => absent.has(service.image!)).map(([name]) => name);
  if (missing.length === 0) return;
  log(`pulling images for ${missing.join(', ')}`);
  const result = await engine.compose(target, ['pull', '--quiet', ...missing]);
  if (result.exitCode !== 0) {
    throw new JourneysError(
      'STACK_STARTUP',
      `${missing.length === 1 ? 'The image' : 'The images'} ${missing.map((name) => `${config.services[name]!.image} (service ${name})`).join(', ')} ${missing.length === 1 ? 'is' : 'are'} not on this machine and could not be pulled.`,
      `${result.stderr.trim()}\n\nFix: check the image names and your registry login; without a registry, add an offline override (x-journeys.offline) and run \`npx journeys provision\`, or set JOURNEYS_OFFLINE=1.`,
    );
  }
}

/**
 * Builds the services that have a `build:` section (Docker's layer cache keeps repeat builds quick).
 * Returns whether it built anything.
 */
export async function buildImages(
  engine: Engine,
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
  const result = await engine.compose(target, ['build', ...built]).finally(() => clearInterval(heartbeat));
  if (result.exitCode !== 0) {
    const output = `${result.stdout}\n${result.stderr}`.trim().split('\n').slice(-40).join('\n');
    throw new JourneysError(
      'STACK_STARTUP',
      `Building the images of ${built.join(', ')} failed.`,
      `${output}\n\nFix: ${baseImageHint(output) ?? 'the build error is above; `docker compose build` shows the same.'}`,
    );
  }
  log(`images built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return true;
}

/**
 * A build FROM one of our offline base images that this machine lacks (a new machine, or an upgrade that
 * moved the base image's tag) fails as a registry error: say which image and what makes it.
 */
export function baseImageHint(buildOutput: string): string | undefined {
  const missing = /(?:docker\.io\/)?(compose-journeys\/[a-z0-9._-]+:[A-Za-z0-9._-]+)/.exec(buildOutput)?.[1];
  if (!missing || !/failed to resolve source metadata|pull access denied|not found/i.test(buildOutput))
    return undefined;
  return `the build starts FROM ${missing}, which is not on this machine: \`npx journeys provision --base-images\` builds compose-journeys/debian:bookworm and ${NODE_IMAGE} (an older tag in your Dockerfile: move it to ${NODE_IMAGE}).`;
}

/**
 * After a build, the images of ours nobody needs any more:
 * - A rebuild moves a tag to a new image and leaves the old one dangling: those labelled by our
 *   builds as a tag this stack just built go.
 * - Images we named for a checkout that no longer exists (its compose file is gone: a deleted
 *   worktree, a CI workspace, a temporary repo) are nobody's build cache: they go if this user on
 *   this machine built them. Images the user named, and others' images, are never touched.
 * No `docker image prune`: the engine runs one prune at a time, and two stacks starting side by
 * side would refuse each other's.
 */
export async function removeStaleImages(
  engine: Engine,
  target: ComposeTarget,
  config: ResolvedConfig,
  log: (line: string) => void,
): Promise<void> {
  const built = new Set(
    Object.entries(config.services)
      .filter(([, service]) => service.build)
      .map(([name, service]) => imageOfBuild(target, name, service)),
  );
  const me = builtBy();
  const [dangling, named] = await Promise.all([
    engine.imagesMatching(['dangling=true', `label=${LABEL.imageOf}`]),
    engine.imagesMatching([`label=${LABEL.builtFrom}`]),
  ]);
  const superseded = dangling.filter((image) => built.has(image.labels[LABEL.imageOf] ?? ''));
  const orphans = named.filter((image) => {
    const from = image.labels[LABEL.builtFrom] ?? '';
    return image.labels[LABEL.builtBy] === me && path.isAbsolute(from) && !existsSync(from);
  });
  const removedSuperseded = await engine.removeImages(superseded.map((image) => image.id));
  if (removedSuperseded > 0)
    log(`removed ${removedSuperseded} dangling image(s) our earlier builds of ${[...built].join(', ')} left`);
  // By tag: an id with several tags is refused.
  const removedOrphans = await engine.removeImages(
    orphans.flatMap((image) => (image.tags.length > 0 ? image.tags : [image.id])),
  );
  if (removedOrphans > 0)
    log(
      `removed ${removedOrphans} image(s) built for checkouts that no longer exist (${orphans.map((image) => image.labels[LABEL.builtFrom]).join(', ')})`,
    );
}
