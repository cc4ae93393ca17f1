import { JourneysError } from '../errors.ts';
import { type ComposeTarget, compose } from './compose-target.ts';
import { docker } from './docker-cli.ts';
import { LABEL } from './labels.ts';
import { imageStackOf } from './labels-override.ts';
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
 * A rebuild moves our stable tag to a new image and leaves the old one dangling. Those, and only
 * those (our label, this stack), are pruned; Docker keeps any that a container still uses.
 */
export async function pruneDanglingImages(target: ComposeTarget, log: (line: string) => void): Promise<void> {
  const result = await docker([
    'image',
    'prune',
    '--force',
    '--filter',
    `label=${LABEL.imageOf}=${imageStackOf(target)}`,
  ]);
  const reclaimed = /Total reclaimed space: (.*)/.exec(result.stdout)?.[1];
  if (result.exitCode === 0 && /deleted/i.test(result.stdout))
    log(`pruned images our earlier builds left dangling (${reclaimed ?? '?'})`);
}
