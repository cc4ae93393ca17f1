import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { projectStateDir } from '../stack/state-dir.ts';

/** Journeys record a failure here so the teardown project can keep the stack on failure. */
const FILE = 'journey-failed';

export function markJourneyFailed(projectName: string, title: string): void {
  mkdirSync(projectStateDir(projectName), { recursive: true });
  writeFileSync(path.join(projectStateDir(projectName), FILE), `${title}\n`, { flag: 'a' });
}

export function failureMarkerExists(projectName: string): boolean {
  return existsSync(path.join(projectStateDir(projectName), FILE));
}
