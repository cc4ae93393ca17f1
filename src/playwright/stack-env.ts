import { z } from 'zod';
import { roleOverridesSchema } from '../stack/service-roles.ts';
import { stableProjectName } from '../stack/stack-definition.ts';
import { stackStateFile } from '../stack/stack-state.ts';

/** Environment variables through which the runner process tells workers about the stack. */
export const STACK_ENV = {
  options: 'JOURNEYS_STACK_OPTIONS',
  ownerPid: 'JOURNEYS_OWNER_PID',
  project: 'JOURNEYS_PROJECT',
} as const;

export const stackEnvOptionsSchema = z.object({
  files: z.array(z.string()).min(1),
  profiles: z.array(z.string()),
  envFiles: z.array(z.string()),
  waitTimeoutSeconds: z.number().optional(),
  services: roleOverridesSchema.optional(),
});

/**
 * One project per run (and per shard): parallel CI jobs on one engine never share a stack. With
 * JOURNEYS_REUSE=1 the name is stable, so the next run finds the stack again.
 */
export function defineStackName(firstFile: string): string {
  const shard = shardOf(process.argv);
  const base = stableProjectName(firstFile);
  process.env[STACK_ENV.project] ??= process.env.JOURNEYS_REUSE === '1'
    ? base
    : `${base}-${shard ? `s${shard}-` : ''}${Math.random().toString(36).slice(2, 7)}`;
  return process.env[STACK_ENV.project]!;
}

/** `--shard=2/3` or `--shard 2/3` → `2of3`. */
function shardOf(argv: string[]): string | undefined {
  const index = argv.findIndex((arg) => arg === '--shard' || arg.startsWith('--shard='));
  if (index < 0) return undefined;
  const value = argv[index]!.includes('=') ? argv[index]!.split('=')[1] : argv[index + 1];
  return value?.replace('/', 'of');
}

export function stackOptionsFromEnv(): z.infer<typeof stackEnvOptionsSchema> & { projectName: string } {
  const raw = process.env[STACK_ENV.options];
  const projectName = process.env[STACK_ENV.project];
  if (!raw || !projectName) {
    throw new Error('No stack configured for this run: add ...stackProjects().projects to playwright.config.ts and make your journeys depend on the "stack" project.');
  }
  return { ...stackEnvOptionsSchema.parse(JSON.parse(raw)), projectName };
}

export function currentStackStateFile(): string {
  return stackStateFile(stackOptionsFromEnv().projectName);
}
