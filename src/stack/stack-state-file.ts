import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ComposeTarget } from '../engine/compose.ts';
import { stateFile } from '../run/state-files.ts';
import type { StackState } from './stack-state.ts';

// Where the stack state lives and how it is written: what starting a stack needs, without the
// schema that reading it back validates with (stack-state.ts, zod).

export function stackStateFile(projectName: string): string {
  return stateFile(projectName, 'stack');
}

export function writeStackState(state: StackState): string {
  const file = stackStateFile(state.projectName);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(`${file}.tmp`, JSON.stringify(state, null, 2));
  renameSync(`${file}.tmp`, file); // a worker never reads half a file
  return file;
}

/** The Compose project a state file describes, for commands run after the start (teardown, logs). */
export function composeTargetOf(state: StackState): ComposeTarget {
  return { projectName: state.projectName, files: state.files, profiles: state.profiles, envFiles: state.envFiles };
}
