import { rmSync } from 'node:fs';
import { projectStateDir } from '../run/state-files.ts';
import { compose, type ComposeTarget } from './compose-target.ts';
import { docker, dockerOk } from './docker-cli.ts';
import { LABEL } from './labels.ts';

/**
 * Removes a throwaway stack fast: `-t 0` skips the 10 s graceful stop per container that test data
 * does not need, `-v` drops its volumes so the next run starts clean.
 */
export async function removeStack(target: ComposeTarget): Promise<void> {
  const result = await compose(target, ['down', '--volumes', '--remove-orphans', '--timeout', '0']);
  if (result.exitCode !== 0) await removeProjectResources(target.projectName); // e.g. a compose file vanished since
  rmSync(projectStateDir(target.projectName), { recursive: true, force: true });
}

export interface RemoveOptions {
  /** Only what this run created (label `dev.compose-journeys.run`): a reused project name may have a new owner by now. */
  run?: string;
  /** Also delete the project's state directory (default true). */
  stateDir?: boolean;
}

/**
 * Removes a project by its labels alone, without its compose files: `docker rm -f -v` (containers and
 * their anonymous volumes at once, in parallel), then its networks and named volumes. What `journeys
 * down`, `reap` and the watchdog use. Returns how many resources it removed.
 */
export async function removeProjectResources(projectName: string, options: RemoveOptions = {}): Promise<number> {
  const filter = ['--filter', `label=${LABEL.project}=${projectName}`, ...(options.run ? ['--filter', `label=${LABEL.run}=${options.run}`] : [])];
  const containers = (await dockerOk(['ps', '-aq', ...filter])).split('\n').filter(Boolean);
  if (containers.length > 0) await docker(['rm', '-f', '-v', ...containers]);
  const [networks, volumes] = await Promise.all([dockerOk(['network', 'ls', '-q', ...filter]), dockerOk(['volume', 'ls', '-q', ...filter])]);
  const networkIds = networks.split('\n').filter(Boolean);
  const volumeIds = volumes.split('\n').filter(Boolean);
  await Promise.all([
    networkIds.length > 0 ? docker(['network', 'rm', ...networkIds]) : undefined,
    volumeIds.length > 0 ? docker(['volume', 'rm', '-f', ...volumeIds]) : undefined,
  ]);
  if (options.stateDir !== false) rmSync(projectStateDir(projectName), { recursive: true, force: true });
  return containers.length + networkIds.length + volumeIds.length;
}
