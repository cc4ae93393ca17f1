import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readVariable } from './environment.ts';

/**
 * Every file compose-journeys keeps outside the repo, named in one place. The state directory
 * (`JOURNEYS_STATE_DIR`, default `$TMPDIR/compose-journeys`) describes this engine's stacks: one
 * folder per Compose project, plus a cache of resolved configs.
 *
 *   <root>/<project>/stack.json          endpoints and resolved environment, for Playwright workers
 *   <root>/<project>/labels.compose.json our labels (and image names) as one more `-f` file
 *   <root>/<project>/run.json            who owns the stack (run identity) and its watchdog
 *   <root>/<project>/kept                present when the stack must outlive its owner (one line: why)
 *   <root>/<project>/journey-failed      journeys that failed (JOURNEYS_KEEP_ON_FAILURE=1)
 *   <root>/<project>/watchdog.log        what the watchdog did, when it did anything
 *   <root>/<project>/attempts/<test>.json the category of a journey's last failed attempt (retries by cause)
 *   <root>/<project>/fingerprint.json    what the run ran on (images, build sources, config): suspects
 *   <root>/<project>/catalog.json        what the stack has (tables, topics, …) and where to read it again: coverage
 *   <root>/<project>/incidents/<svc>.json a service that broke outside an intended fault: one incident
 *   <root>/cache/config-<key>.json       resolved configs by a hash of their inputs (the reuse check)
 *
 * The `kept` name and its plain-text content are what older releases read too: a stack kept by
 * this release stays kept for a reap run by an older one on the same engine.
 */
export function stateRoot(): string {
  return readVariable('stateDir') ?? path.join(os.tmpdir(), 'compose-journeys');
}

export const STATE_FILES = {
  stack: 'stack.json',
  labels: 'labels.compose.json',
  run: 'run.json',
  /** Present when the stack must survive its owner: `journeys up`, JOURNEYS_REUSE, JOURNEYS_KEEP, keep-on-failure. */
  kept: 'kept',
  journeyFailed: 'journey-failed',
  watchdogLog: 'watchdog.log',
  attempts: 'attempts',
  fingerprint: 'fingerprint.json',
  catalog: 'catalog.json',
  incidents: 'incidents',
} as const;
export type StateFile = keyof typeof STATE_FILES;

export function projectStateDir(projectName: string): string {
  return path.join(stateRoot(), projectName);
}

export function stateFile(projectName: string, file: StateFile): string {
  return path.join(projectStateDir(projectName), STATE_FILES[file]);
}

export function configCacheDir(): string {
  return path.join(stateRoot(), 'cache');
}

export function configCacheFile(key: string): string {
  return path.join(configCacheDir(), `config-${key}.json`);
}

/** Whether the stack was handed over to outlive its owner (see STATE_FILES.kept). */
export function isKept(projectName: string): boolean {
  return existsSync(stateFile(projectName, 'kept'));
}

/** One line per thing a watchdog did (it has no terminal): for looking back at an interrupted run. */
export function watchdogLogFile(): string {
  return path.join(stateRoot(), 'watchdog.log');
}
