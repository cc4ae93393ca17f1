import { rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ComposeTarget } from '../engine/compose.ts';
import { currentEngine } from '../engine/current-engine.ts';
import type { Engine } from '../engine/engine.ts';
import { LABEL } from '../engine/labels.ts';
import { projectStateDir } from '../run/state-files.ts';

/**
 * Removes a throwaway stack fast: no graceful stop (test data does not need the 10 s per container),
 * its volumes too, so the next run starts clean. By the project's labels, like `down --volumes
 * --remove-orphans --timeout 0` but without Compose re-reading the files (or the files at all).
 */
export async function removeStack(engine: Engine, target: ComposeTarget): Promise<void> {
  await removeProject(engine, target.projectName);
}

const SWEEP_PAUSE_MS = 500;
const SWEEPS = 4;

/**
 * After an interrupted start: a container or network whose create request was in flight when Compose
 * was stopped appears after the first removal. Sweeps again until a pass finds nothing.
 */
export async function removeStackSwept(engine: Engine, target: ComposeTarget): Promise<void> {
  for (let sweep = 0; sweep < SWEEPS; sweep++) {
    const removed = await removeProject(engine, target.projectName);
    if (removed === 0 && sweep > 0) return;
    await sleep(SWEEP_PAUSE_MS);
  }
}

export interface RemoveOptions {
  /** Only what this run created (label `dev.compose-journeys.run`): a reused project name may have a new owner by now. */
  run?: string;
  /** Also delete the project's state directory (default true). */
  stateDir?: boolean;
}

/**
 * Removes a project by its labels alone, without its compose files: its containers and their anonymous
 * volumes at once, in parallel, then its networks and named volumes. What `journeys down`, `reap` and
 * the watchdog use. Returns how many resources it removed.
 */
export function removeProjectResources(projectName: string, options: RemoveOptions = {}): Promise<number> {
  return removeProject(currentEngine(), projectName, options);
}

/** `removeProjectResources` on a given engine. */
export async function removeProject(engine: Engine, projectName: string, options: RemoveOptions = {}): Promise<number> {
  const labels = [`${LABEL.project}=${projectName}`, ...(options.run ? [`${LABEL.run}=${options.run}`] : [])];
  const removed = await engine.removeLabelled(labels);
  if (options.stateDir !== false) rmSync(projectStateDir(projectName), { recursive: true, force: true });
  return removed;
}
