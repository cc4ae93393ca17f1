import type { TestInfo } from '@playwright/test';
import type { ApiExchange } from '../http/service-client.ts';
import { runPrefix } from '../run/run-identity.ts';
import type { Databases } from './databases.ts';
import { EventuallyTimeoutError, eventually } from './eventually.ts';
import { journeyKeys } from './journey-keys.ts';
import { preview } from './schema-diff.ts';

/**
 * Which rows a rule looks at: one journey's, every journey's of this run, or everything.
 *
 * - `pattern`: a `LIKE` pattern on a `correlation_id` column (`correlation_id LIKE $1`, `[scope.pattern]`):
 *   the journey's correlation id, the run prefix followed by `%`, or `%`.
 * - `keys`: for the journey scope, the key values the journey's own API calls returned (ids in 2xx JSON
 *   bodies, the last segment of a `Location` header); undefined for 'run' and 'all' (no restriction).
 *   On a schema without correlation_id, select the journey's rows by them:
 *   `WHERE ($1::text[] IS NULL OR id::text = ANY($1::text[]))` with `[scope.keys ?? null]`
 *   (NULL, for 'run' and 'all', lets every row through).
 */
export interface RuleScope {
  readonly kind: 'journey' | 'run' | 'all';
  readonly pattern: string;
  /** Optional so a scope written by hand before keys existed still compiles: absent = no restriction. */
  readonly keys?: readonly string[] | undefined;
  readonly description: string;
}

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);
export const journeyScope = (correlationId: string, keys: readonly string[] = []): RuleScope => ({
  kind: 'journey',
  pattern: escapeLike(correlationId),
  keys,
  description: `this journey (correlation id ${correlationId})`,
});
export const runScope = (): RuleScope => ({
  kind: 'run',
  pattern: `${escapeLike(runPrefix())}-%`,
  keys: undefined,
  description: `this run (correlation ids ${runPrefix()}-*)`,
});
export const allRows = (): RuleScope => ({ kind: 'all', pattern: '%', keys: undefined, description: 'every row' });

/**
 * What a rule found: the violating rows, or (to say how much it looked at) `checked`, the number of the
 * scope's rows it examined, with the violating ones. Count every row the scope selects (the journey's
 * orders, whatever their status), not only those the invariant is about: `checked: 0` means "nothing of
 * this scope was there to look at", which `consistency.expect` does not take for a pass.
 */
export type RuleOutcome = Record<string, unknown>[] | { checked: number; violations: Record<string, unknown>[] };

/** A cross-service invariant: a function over the databases that returns the rows violating it. */
export interface ConsistencyRule {
  name: string;
  description: string;
  /** How long the system may take to satisfy the rule after a change (it is eventually consistent); default 0. */
  settleMs?: number;
  violations(db: Databases, scope: RuleScope): Promise<RuleOutcome>;
}

export const defineRule = (rule: ConsistencyRule): ConsistencyRule => rule;

export interface RuleResult {
  rule: string;
  description: string;
  violations: Record<string, unknown>[];
  /** How many rows the rule looked at, when it said (a rule returning `{ checked, violations }`). */
  checked: number | undefined;
}

const plural = (count: number, one: string, many: string) => (count === 1 ? one : many);

/** True when every rule said it had no rows to look at: such a check proves nothing. */
export const checkedNothing = (results: readonly RuleResult[]) =>
  results.length > 0 && results.every((r) => r.checked === 0 && r.violations.length === 0);

function formatKeys(keys: readonly string[]): string {
  const shown = keys.slice(0, 10).join(', ');
  return `[${shown}${keys.length > 10 ? `, … ${keys.length - 10} more` : ''}]`;
}

/** Where the rules' rows were looked for, and how to point them at the journey's. */
function nothingCheckedHint(scope: RuleScope): string {
  if (scope.kind !== 'journey' || scope.keys === undefined)
    return `No rule found rows in scope (${scope.description}): a rule that selects its rows by correlation_id (scope.pattern) finds none where the tables have no such column.`;
  if (scope.keys.length === 0)
    return "The journey's API calls returned no keys (no id in a 2xx JSON body, no Location header) and the rules found no rows by correlation id: declare which rows are the journey's, e.g. by ids it owns (unique.customer()), or check scope 'run'.";
  return `The journey's API calls returned keys ${formatKeys(scope.keys)}; declare which rows are the journey's: where a table has no correlation_id column, select them by scope.keys (\`WHERE id::text = ANY($1::text[])\` with [scope.keys]).`;
}

function ruleLine(result: RuleResult, scope: RuleScope): string {
  const count = result.violations.length;
  if (count > 0)
    return `  ✗ ${result.rule}: ${result.description} (${count} violating ${plural(count, 'row', 'rows')})`;
  if (result.checked === 0)
    return `  ○ ${result.rule}: ${result.description} (no rows to check in scope: ${scope.description})`;
  return `  ✓ ${result.rule}: ${result.description}`;
}

/** A rule was violated, or (see `checkedNothing`) no rule had anything to look at. */
export class ConsistencyError extends Error {
  override name = 'ConsistencyError';
  constructor(
    readonly scope: RuleScope,
    readonly results: RuleResult[],
  ) {
    const failed = results.filter((r) => r.violations.length > 0);
    const lines = checkedNothing(results)
      ? [
          `${results.length} consistency ${plural(results.length, 'rule', 'rules')} checked no rows (scope: ${scope.description}), so ${plural(results.length, 'it proves', 'they prove')} nothing:`,
        ]
      : [
          `${failed.length} of ${results.length} consistency ${plural(results.length, 'rule', 'rules')} violated (scope: ${scope.description}):`,
        ];
    for (const result of results) {
      lines.push(ruleLine(result, scope));
      const count = result.violations.length;
      for (const row of result.violations.slice(0, 5)) lines.push(`      ${preview(row, 300)}`);
      if (count > 5) lines.push(`      … ${count - 5} more`);
    }
    if (checkedNothing(results)) lines.push(nothingCheckedHint(scope));
    super(lines.join('\n'));
  }
}

const outcomeOf = (outcome: RuleOutcome) =>
  Array.isArray(outcome)
    ? { checked: undefined, violations: outcome }
    : { checked: outcome.checked, violations: outcome.violations };

/** Every rule's violations; a rule with `settleMs` is re-checked until it holds or that time passes. */
export async function checkRules(
  db: Databases,
  rules: readonly ConsistencyRule[],
  scope: RuleScope,
): Promise<RuleResult[]> {
  return Promise.all(
    rules.map(async (rule): Promise<RuleResult> => {
      try {
        const outcome = await eventually(async () => outcomeOf(await rule.violations(db, scope)), {
          until: (found) => found.violations.length === 0,
          timeout: rule.settleMs ?? 0,
          description: rule.name,
        });
        return { rule: rule.name, description: rule.description, ...outcome };
      } catch (error) {
        if (!(error instanceof EventuallyTimeoutError)) throw error;
        const outcome = error.lastValue.value as ReturnType<typeof outcomeOf> | undefined;
        if (!outcome) throw error.lastError; // the rule itself failed (a query error): show that
        return { rule: rule.name, description: rule.description, ...outcome };
      }
    }),
  );
}

export interface Consistency {
  /**
   * Throws a ConsistencyError (and attaches the violating rows as JSON) when a rule is violated, or when
   * every rule checked no rows. When only some did, the test gets a `warning` annotation naming them.
   * Default scope: this journey.
   */
  expect(
    rules: ConsistencyRule | readonly ConsistencyRule[],
    options?: { scope?: 'journey' | 'run' | 'all' | RuleScope },
  ): Promise<void>;
  violations(
    rules: ConsistencyRule | readonly ConsistencyRule[],
    options?: { scope?: 'journey' | 'run' | 'all' | RuleScope },
  ): Promise<RuleResult[]>;
}

export interface ConsistencyCheckerOptions {
  /** The journey's API exchanges, read at every check (calls happen during the test): the journey scope's keys. */
  exchanges?: readonly ApiExchange[];
  /** Where a check that found rules with no rows to look at leaves its warning (the test's annotations). */
  annotations?: TestInfo['annotations'];
}

export function consistencyChecker(
  db: Databases,
  correlationId: string,
  attach: TestInfo['attach'],
  options: ConsistencyCheckerOptions = {},
): Consistency {
  const scopeOf = (scope: 'journey' | 'run' | 'all' | RuleScope = 'journey') =>
    typeof scope === 'object'
      ? scope
      : scope === 'journey'
        ? journeyScope(correlationId, journeyKeys(options.exchanges ?? []))
        : scope === 'run'
          ? runScope()
          : allRows();
  const list = (rules: ConsistencyRule | readonly ConsistencyRule[]) =>
    (Array.isArray(rules) ? rules : [rules]) as ConsistencyRule[];
  return {
    violations: (rules, checkOptions = {}) => checkRules(db, list(rules), scopeOf(checkOptions.scope)),
    async expect(rules, checkOptions = {}) {
      const scope = scopeOf(checkOptions.scope);
      const results = await checkRules(db, list(rules), scope);
      if (checkedNothing(results)) throw new ConsistencyError(scope, results);
      if (results.every((r) => r.violations.length === 0)) {
        const unchecked = results.filter((r) => r.checked === 0);
        // A pass, but a partial one: say which rules had nothing to look at rather than count them as held.
        if (unchecked.length > 0)
          options.annotations?.push({
            type: 'warning',
            description: `consistency ${plural(unchecked.length, 'rule', 'rules')} ${unchecked.map((r) => r.rule).join(', ')} checked no rows (scope: ${scope.description}${scope.keys ? `, keys ${formatKeys(scope.keys)}` : ''})`,
          });
        return;
      }
      await attach('consistency-violations.json', {
        body: JSON.stringify({ scope, results }, null, 2),
        contentType: 'application/json',
      });
      throw new ConsistencyError(scope, results);
    },
  };
}
