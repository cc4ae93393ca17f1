import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stateFile } from '../../run/state-files.ts';
import { type RunFingerprint, runFingerprintSchema } from './run-fingerprint.ts';

/** The stack setup writes the run's fingerprint once; workers read it when a journey fails (its suspects). */
export function writeFingerprint(projectName: string, fingerprint: RunFingerprint): void {
  const file = stateFile(projectName, 'fingerprint');
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(`${file}.tmp`, JSON.stringify(fingerprint));
  renameSync(`${file}.tmp`, file);
}

/** Undefined when the setup wrote none (no stack of ours, or it could not take one). */
export function readFingerprint(projectName: string): RunFingerprint | undefined {
  try {
    return runFingerprintSchema.parse(JSON.parse(readFileSync(stateFile(projectName, 'fingerprint'), 'utf8')));
  } catch {
    return undefined;
  }
}
