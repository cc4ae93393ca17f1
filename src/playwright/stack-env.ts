import { z } from 'zod';
import { RUN_ENV, runProjectName } from '../run/run-identity.ts';
import { settingsSchema } from '../stack/package-settings.ts';
import { stackStateFile } from '../stack/stack-state.ts';

/** Environment variables through which the runner process tells workers about the stack. */
export const STACK_ENV = {
  options: RUN_ENV.stackOptions,
  ownerPid: RUN_ENV.ownerPid,
  project: RUN_ENV.project,
} as const;

export const stackEnvOptionsSchema = z.object({
  files: z.array(z.string()).min(1),
  profiles: z.array(z.string()),
  envFiles: z.array(z.string()),
  waitTimeoutSeconds: z.number().optional(),
  services: settingsSchema(z).shape.services,
});

/**
 * One project per run (and per shard): parallel CI jobs on one engine never share a stack. With
 * JOURNEYS_REUSE=1 the name is stable, so the next run finds the stack again (run-identity.ts).
 */
export function defineStackName(firstFile: string): string {
  return runProjectName(firstFile);
}

export function stackOptionsFromEnv(): z.infer<typeof stackEnvOptionsSchema> & { projectName: string } {
  const raw = process.env[STACK_ENV.options];
  const projectName = process.env[STACK_ENV.project];
  if (!raw || !projectName) {
    throw new Error(
      'No stack configured for this run: add ...stackProjects().projects to playwright.config.ts and make your journeys depend on the "stack" project.',
    );
  }
  return { ...stackEnvOptionsSchema.parse(JSON.parse(raw)), projectName };
}

/** The state file of this run's stack: what the fixtures read (`readStackState(currentStackStateFile())`). */
export function currentStackStateFile(): string {
  return stackStateFile(stackOptionsFromEnv().projectName);
}
