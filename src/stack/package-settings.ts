import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { z as Z } from 'zod';
import { JourneysError } from '../errors.ts';
import { type RoleOverrides, SERVICE_ROLES, unknownRoleError } from './service-roles.ts';

/** `"journeys": { "stack": { ... } }` in package.json: the stack used when no -f is given. */
export interface DefaultStack {
  files: string[];
  profiles?: string[];
  envFiles?: string[];
  waitTimeoutSeconds?: number;
}

/** The whole `"journeys"` section of a package.json. */
export interface PackageSettings {
  stack?: DefaultStack;
  /** Services by role, where detection (image, environment, port) is not enough. */
  services?: RoleOverrides;
}

/** The schema, for the explanation of a section the quick check rejects (zod loads only then). */
export function settingsSchema(z: typeof Z) {
  const serviceNames = z.union([z.string(), z.array(z.string())]).optional();
  return z.strictObject({
    stack: z
      .strictObject({
        files: z.array(z.string()).min(1),
        profiles: z.array(z.string()).optional(),
        envFiles: z.array(z.string()).optional(),
        waitTimeoutSeconds: z.number().int().positive().optional(),
      })
      .optional(),
    services: z.partialRecord(z.enum(SERVICE_ROLES), serviceNames, { error: unknownRoleError }).optional(),
  });
}

/**
 * The same rules as `settingsSchema`, by hand: every CLI command reads package.json, and loading
 * zod costs more than a whole `journeys down`.
 */
export function quickCheck(section: unknown): section is PackageSettings {
  const isObject = (value: unknown): value is Record<string, unknown> =>
    typeof value === 'object' && value !== null && !Array.isArray(value);
  const strings = (value: unknown) => Array.isArray(value) && value.every((item) => typeof item === 'string');
  const only = (value: Record<string, unknown>, keys: readonly string[]) =>
    Object.keys(value).every((key) => keys.includes(key));
  if (!isObject(section) || !only(section, ['stack', 'services'])) return false;
  const { stack, services } = section;
  if (stack !== undefined) {
    if (!isObject(stack) || !only(stack, ['files', 'profiles', 'envFiles', 'waitTimeoutSeconds'])) return false;
    if (!strings(stack.files) || (stack.files as string[]).length === 0) return false;
    if (stack.profiles !== undefined && !strings(stack.profiles)) return false;
    if (stack.envFiles !== undefined && !strings(stack.envFiles)) return false;
    const timeout = stack.waitTimeoutSeconds;
    if (timeout !== undefined && !(typeof timeout === 'number' && Number.isInteger(timeout) && timeout > 0))
      return false;
  }
  if (services !== undefined) {
    if (!isObject(services) || !only(services, SERVICE_ROLES)) return false;
    if (!Object.values(services).every((value) => value === undefined || typeof value === 'string' || strings(value)))
      return false;
  }
  return true;
}

const FIX =
  'Fix: pass -f compose.yml, or add "journeys": { "stack": { "files": ["compose.yml"] } } to package.json (`npx journeys init` writes it).';

/** The `"journeys"` section of `<cwd>/package.json` (empty when there is none), validated. */
export function readPackageSettings(cwd = process.cwd()): PackageSettings & { file: string | undefined } {
  const file = path.join(cwd, 'package.json');
  if (!existsSync(file)) return { file: undefined };
  let section: unknown;
  try {
    section = (JSON.parse(readFileSync(file, 'utf8')) as { journeys?: unknown }).journeys;
  } catch (error) {
    throw new JourneysError(
      'CONFIG_INVALID',
      `${file} is not valid JSON: ${(error as Error).message}`,
      'Fix: repair package.json (npm would reject it too).',
    );
  }
  if (section === undefined) return { file };
  if (quickCheck(section)) return { ...section, file };
  const z = (createRequire(import.meta.url)('zod') as { z: typeof Z }).z;
  const parsed = settingsSchema(z).safeParse(section);
  if (parsed.success) return { ...(parsed.data as PackageSettings), file };
  throw new JourneysError(
    'CONFIG_INVALID',
    `"journeys" in ${file} is invalid.`,
    `${z.prettifyError(parsed.error)}\n\n${FIX}`,
  );
}

/** The stack to use when no -f is given: package.json's `journeys.stack`, or a usage error that says how to set one. */
export function readDefaultStack(cwd = process.cwd()): DefaultStack & { services?: RoleOverrides } {
  const settings = readPackageSettings(cwd);
  if (!settings.file) throw new JourneysError('USAGE', `No compose file given and no package.json in ${cwd}.`, FIX);
  if (!settings.stack)
    throw new JourneysError('USAGE', `No compose file given and ${settings.file} has no "journeys.stack".`, FIX);
  return { ...settings.stack, services: settings.services };
}
