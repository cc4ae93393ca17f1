import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stateFile } from '../run/state-files.ts';

/** Journeys record a failure here so the teardown project can keep the stack on failure. */
export function markJourneyFailed(projectName: string, title: string): void {
  const file = stateFile(projectName, 'journeyFailed');
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${title}\n`, { flag: 'a' });
}

export function failureMarkerExists(projectName: string): boolean {
  return existsSync(stateFile(projectName, 'journeyFailed'));
}
