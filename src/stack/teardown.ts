import { rmSync } from 'node:fs';
import { compose, type ComposeTarget } from './compose-target.ts';
import { docker, dockerOk } from './docker-cli.ts';
import { LABEL } from './labels.ts';
import { projectStateDir } from './state-dir.ts';

/**
 * Removes a throwaway stack fast: `-t 0` skips the 10 s graceful stop per container that test data
 * does not need, `-v` drops its volumes so the next run starts clean.
 */
export async function removeStack(target: ComposeTarget): Promise<void> {
  const result = await compose(target, ['down', '--volumes', '--remove-orphans', '--timeout', '0']);
  if (result.exitCode !== 0) await removeProjectResources(target.projectName); // e.g. a compose file vanished since
  rmSync(projectStateDir(target.projectName), { recursive: true, force: true });
}

/** Removes a project by its Compose label alone, for stacks whose files we no longer have (reap). */
export async function removeProjectResources(projectName: string): Promise<void> {
  const filter = ['--filter', `label=${LABEL.project}=${projectName}`];
  const containers = (await dockerOk(['ps', '-aq', ...filter])).split('\n').filter(Boolean);
  if (containers.length > 0) await docker(['rm', '-f', '-v', ...containers]);
  const [networks, volumes] = await Promise.all([
    dockerOk(['network', 'ls', '-q', ...filter]),
    dockerOk(['volume', 'ls', '-q', ...filter]),
  ]);
  const networkIds = networks.split('\n').filter(Boolean);
  const volumeIds = volumes.split('\n').filter(Boolean);
  await Promise.all([
    networkIds.length > 0 ? docker(['network', 'rm', ...networkIds]) : undefined,
    volumeIds.length > 0 ? docker(['volume', 'rm', '-f', ...volumeIds]) : undefined,
  ]);
  rmSync(projectStateDir(projectName), { recursive: true, force: true });
}
