import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Where a started stack leaves what other processes need (endpoints for Playwright workers, our
 * labels override, the "kept" marker that stops `reap`). Outside the repo: it describes this engine.
 */
export function stateRoot(): string {
  return process.env.JOURNEYS_STATE_DIR ?? path.join(os.tmpdir(), 'compose-journeys');
}

export function projectStateDir(projectName: string): string {
  return path.join(stateRoot(), projectName);
}

/** Whether the stack was handed over to outlive its owner (see STATE_FILES.kept). */
export function isKept(projectName: string): boolean {
  return existsSync(path.join(projectStateDir(projectName), STATE_FILES.kept));
}

export const STATE_FILES = {
  stack: 'stack.json',
  labels: 'labels.compose.json',
  /** Present when the stack must survive its owner: `journeys up`, JOURNEYS_KEEP, keep-on-failure. */
  kept: 'kept',
} as const;
