import type { z } from 'zod';

/** One mismatch between a value and a schema, in the words a failure message needs. */
export interface SchemaMismatch {
  path: string;
  expected: string;
  received: string;
  message: string;
}

/** Thrown when a value (a response body, a row) does not parse: names where it came from and every mismatch. */
export class SchemaMismatchError extends Error {
  override name = 'SchemaMismatchError';
  constructor(
    readonly source: string,
    readonly mismatches: SchemaMismatch[],
    readonly received: unknown,
  ) {
    super(
      `${source} does not match the schema (${mismatches.length} ${mismatches.length === 1 ? 'issue' : 'issues'}):\n${formatMismatches(mismatches)}`,
    );
  }
}

/** A zod schema, whichever copy of zod made it (`instanceof` would tie a user's schemas to our zod). */
export function isSchema(value: unknown): value is z.ZodType {
  return typeof (value as { safeParse?: unknown } | null)?.safeParse === 'function';
}

/** Parses, or throws a SchemaMismatchError naming `source` ("GET /orders/1 response", "row 0 of postgres/orders"). */
export function parseWithSchema<S extends z.ZodType>(schema: S, value: unknown, source: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new SchemaMismatchError(source, mismatchesOf(result.error.issues, value), value);
}

export function formatMismatches(mismatches: readonly SchemaMismatch[]): string {
  return mismatches.map((m) => `  ${m.path}: expected ${m.expected}, received ${m.received}`).join('\n');
}

export function mismatchesOf(issues: readonly z.core.$ZodIssue[], input: unknown): SchemaMismatch[] {
  return issues.map((issue) => ({
    path: formatPath(issue.path),
    expected: expectedOf(issue),
    received:
      issue.code === 'unrecognized_keys'
        ? `extra keys ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}`
        : preview(valueAt(input, issue.path)),
    message: issue.message,
  }));
}

/** `$` for the root, then `.key` / `[index]` as a reader would write it. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '$';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'string' && /^[A-Za-z_$][\w$]*$/.test(key)) out += `.${key}`;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out;
}

function expectedOf(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.expected;
    case 'invalid_value':
      return issue.values.length === 1
        ? preview(issue.values[0])
        : `one of ${issue.values.map((v) => preview(v)).join(' | ')}`;
    case 'too_small':
      return `${issue.origin} ${issue.inclusive === false ? '>' : '>='} ${String(issue.minimum)}${issue.origin === 'string' || issue.origin === 'array' ? ' (length)' : ''}`;
    case 'too_big':
      return `${issue.origin} ${issue.inclusive === false ? '<' : '<='} ${String(issue.maximum)}${issue.origin === 'string' || issue.origin === 'array' ? ' (length)' : ''}`;
    case 'invalid_format':
      return `a ${issue.format} string`;
    case 'not_multiple_of':
      return `a multiple of ${String(issue.divisor)}`;
    case 'unrecognized_keys':
      return 'no other keys';
    case 'invalid_union':
      return `one of the union's options (${issue.message})`;
    default:
      return issue.message;
  }
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current = input;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

/** A value as one short line: JSON, `undefined (missing)`, truncated. */
export function preview(value: unknown, max = 120): string {
  if (value === undefined) return 'undefined (missing)';
  let text: string;
  try {
    text = typeof value === 'bigint' ? `${value}n` : (JSON.stringify(value) ?? String(value));
  } catch {
    text = String(value);
  }
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
