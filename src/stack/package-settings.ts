import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { JourneysError } from '../errors.ts';
import { roleOverridesSchema, type RoleOverrides } from './service-roles.ts';

/** `"journeys": { "stack": { ... } }` in package.json: the stack used when no -f is given. */
const defaultStackSchema = z.strictObject({
  files: z.array(z.string()).min(1),
  profiles: z.array(z.string()).optional(),
  envFiles: z.array(z.string()).optional(),
  waitTimeoutSeconds: z.number().int().positive().optional(),
});
export type DefaultStack = z.infer<typeof defaultStackSchema>;

/** The whole `"journeys"` section of a package.json. */
const settingsSchema = z.strictObject({
  stack: defaultStackSchema.optional(),
  /** Services by role, where detection (image, environment, port) is not enough. */
  services: roleOverridesSchema.optional(),
});
export type PackageSettings = z.infer<typeof settingsSchema>;

const FIX = 'Fix: pass -f compose.yml, or add "journeys": { "stack": { "files": ["compose.yml"] } } to package.json (`npx journeys init` writes it).';

/** The `"journeys"` section of `<cwd>/package.json` (empty when there is none), validated. */
export function readPackageSettings(cwd = process.cwd()): PackageSettings & { file: string | undefined } {
  const file = path.join(cwd, 'package.json');
  if (!existsSync(file)) return { file: undefined };
  let section: unknown;
  try {
    section = (JSON.parse(readFileSync(file, 'utf8')) as { journeys?: unknown }).journeys;
  } catch (error) {
    throw new JourneysError('CONFIG_INVALID', `${file} is not valid JSON: ${(error as Error).message}`, 'Fix: repair package.json (npm would reject it too).');
  }
  if (section === undefined) return { file };
  const parsed = settingsSchema.safeParse(section);
  if (!parsed.success) throw new JourneysError('CONFIG_INVALID', `"journeys" in ${file} is invalid.`, `${z.prettifyError(parsed.error)}\n\n${FIX}`);
  return { ...parsed.data, file };
}

/** The stack to use when no -f is given: package.json's `journeys.stack`, or a usage error that says how to set one. */
export function readDefaultStack(cwd = process.cwd()): DefaultStack & { services?: RoleOverrides } {
  const settings = readPackageSettings(cwd);
  if (!settings.file) throw new JourneysError('USAGE', `No compose file given and no package.json in ${cwd}.`, FIX);
  if (!settings.stack) throw new JourneysError('USAGE', `No compose file given and ${settings.file} has no "journeys.stack".`, FIX);
  return { ...settings.stack, services: settings.services };
}
