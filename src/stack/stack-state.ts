import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { SERVICE_ROLES, unknownRoleError } from './service-roles.ts';

const endpointSchema = z.object({
  service: z.string(),
  containerPort: z.number().int(),
  protocol: z.string(),
  host: z.string(),
  port: z.number().int(),
  url: z.string(),
});

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
  /** Services per role (every role of service-roles.ts), detected or configured. */
  roles: z.record(z.enum(SERVICE_ROLES), z.array(z.string()), { error: unknownRoleError }),
  /** The egress guard's service, when the stack declares `x-journeys.egress: none`. */
  egressGuard: z.string().optional(),
});
export type StackState = z.infer<typeof stackStateSchema>;

export function readStackState(file: string): StackState {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(
      `Cannot read the stack state ${file}: ${(error as Error).message}. Was the stack started (setup project "stack", or \`npx journeys up\`)?`,
    );
  }
  const parsed = stackStateSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`The stack state ${file} is not valid:\n${z.prettifyError(parsed.error)}`);
  return parsed.data;
}
