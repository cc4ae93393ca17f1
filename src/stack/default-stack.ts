import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { JourneysError } from '../errors.ts';
import type { StackOptions } from './stack-definition.ts';

/** `"journeys": { "stack": { ... } }` in package.json: the stack used when no -f is given. */
const defaultStackSchema = z.strictObject({
  files: z.array(z.string()).min(1),
  profiles: z.array(z.string()).optional(),
  envFiles: z.array(z.string()).optional(),
  waitTimeoutSeconds: z.number().int().positive().optional(),
});
export type DefaultStack = z.infer<typeof defaultStackSchema>;

export function readDefaultStack(cwd = process.cwd()): DefaultStack & Pick<StackOptions, 'cwd'> {
  const file = path.join(cwd, 'package.json');
  const fix = 'Fix: pass -f compose.yml, or add "journeys": { "stack": { "files": ["compose.yml"] } } to package.json.';
  if (!existsSync(file)) throw new JourneysError('USAGE', `No compose file given and no package.json in ${cwd}.`, fix);
  const stack = (JSON.parse(readFileSync(file, 'utf8')) as { journeys?: { stack?: unknown } }).journeys?.stack;
  if (stack === undefined) throw new JourneysError('USAGE', `No compose file given and ${file} has no "journeys.stack".`, fix);
  const parsed = defaultStackSchema.safeParse(stack);
  if (!parsed.success) throw new JourneysError('CONFIG_INVALID', `"journeys.stack" in ${file} is invalid.`, `${z.prettifyError(parsed.error)}\n\n${fix}`);
  return { ...parsed.data, cwd };
}
