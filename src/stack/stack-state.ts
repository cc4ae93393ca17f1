import { mkdirSync, readFileSync, writeFileSync, renameSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { ComposeTarget } from './compose-target.ts';
import { endpointSchema } from './endpoints.ts';
import { SERVICE_ROLES } from './service-roles.ts';
import { stateFile } from '../run/state-files.ts';

/** What a started stack hands to Playwright workers (workers never start stacks themselves). */
export const stackStateSchema = z.object({
  projectName: z.string(),
  files: z.array(z.string()),
  profiles: z.array(z.string()),
  envFiles: z.array(z.string()),
  configHash: z.string(),
  offline: z.boolean(),
  startedAt: z.string(),
  endpoints: z.array(endpointSchema),
  /** Resolved environment per service: fixtures read database names and credentials from it. */
  environment: z.record(z.string(), z.record(z.string(), z.string().nullable())),
  /** Services per role (postgres, kafka, rabbitmq, wiremock), detected or configured. */
  roles: z.record(z.enum(SERVICE_ROLES), z.array(z.string())),
});
export type StackState = z.infer<typeof stackStateSchema>;

/** The Compose project a state file describes, for commands run after the start (teardown, logs). */
export function composeTargetOf(state: StackState): ComposeTarget {
  return { projectName: state.projectName, files: state.files, profiles: state.profiles, envFiles: state.envFiles };
}

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

export function readStackState(file: string): StackState {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`Cannot read the stack state ${file}: ${(error as Error).message}. Was the stack started (setup project "stack", or \`npx journeys up\`)?`);
  }
  const parsed = stackStateSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`The stack state ${file} is not valid:\n${z.prettifyError(parsed.error)}`);
  return parsed.data;
}
