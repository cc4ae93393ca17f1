import { z } from 'zod';
import { readVariable } from '../run/environment.ts';
import type { RunMode } from '../run/run-mode.ts';
import { settingsSchema } from '../stack/package-settings.ts';
import { stackStateFile } from '../stack/stack-state-file.ts';

/** The run's mode as handed over (src/run/run-mode.ts). */
export const runModeSchema = z.object({
  reuse: z.boolean(),
  keep: z.boolean(),
  keepOnFailure: z.boolean(),
  offline: z.union([z.boolean(), z.literal('auto')]),
  limits: z.enum(['asked', 'ci', 'off']),
  shard: z.string().optional(),
}) satisfies z.ZodType<RunMode>;

/** What the runner hands its workers about the stack: its files and options, and the run's mode. */
export const stackEnvOptionsSchema = z.object({
  files: z.array(z.string()).min(1),
  profiles: z.array(z.string()),
  envFiles: z.array(z.string()),
  waitTimeoutSeconds: z.number().optional(),
  services: settingsSchema(z).shape.services,
  mode: runModeSchema,
});

export function stackOptionsFromEnv(): z.infer<typeof stackEnvOptionsSchema> & { projectName: string } {
  const handedOver = readVariable('stackOptions');
  const projectName = readVariable('project');
  if (handedOver === undefined || !projectName) {
    throw new Error(
      'No stack configured for this run: add ...stackProjects().projects to playwright.config.ts and make your journeys depend on the "stack" project.',
    );
  }
  return { ...stackEnvOptionsSchema.parse(handedOver), projectName };
}

/** The state file of this run's stack: what the fixtures read (`readStackState(currentStackStateFile())`). */
export function currentStackStateFile(): string {
  return stackStateFile(stackOptionsFromEnv().projectName);
}
