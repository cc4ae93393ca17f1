import type { TestInfo } from '@playwright/test';
import { runPrefix } from '../run/run-identity.ts';
import type { Databases } from './databases.ts';
import { EventuallyTimeoutError, eventually } from './eventually.ts';
import { preview } from './schema-diff.ts';

/**
 * Which rows a rule looks at. Rules filter with `correlation_id LIKE $n` and `scope.pattern`:
 * one journey's correlation id, every id of this run (the run prefix), or everything.
 */
export interface RuleScope {
  readonly kind: 'journey' | 'run' | 'all';
  readonly pattern: string;
  readonly description: string;
}

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);
export const journeyScope = (correlationId: string): RuleScope => ({
  kind: 'journey',
  pattern: escapeLike(correlationId),
  description: `correlation id ${correlationId}`,
});
export const runScope = (): RuleScope => ({
  kind: 'run',
  pattern: `${escapeLike(runPrefix())}-%`,
  description: `this run (correlation ids ${runPrefix()}-*)`,
});
export const allRows = (): RuleScope => ({ kind: 'all', pattern: '%', description: 'every row' });

/** A cross-service invariant: a function over the databases that returns the rows violating it. */
export interface ConsistencyRule {
  name: string;
  description: string;
  /** How long the system may take to satisfy the rule after a change (it is eventually consistent); default 0. */
  settleMs?: number;
  violations(db: Databases, scope: RuleScope): Promise<Record<string, unknown>[]>;
}

export const defineRule = (rule: ConsistencyRule): ConsistencyRule => rule;

export interface RuleResult {
  rule: string;
  description: string;
  violations: Record<string, unknown>[];
}

export class ConsistencyError extends Error {
  override name = 'ConsistencyError';
  constructor(
    readonly scope: RuleScope,
    readonly results: RuleResult[],
  ) {
    const failed = results.filter((r) => r.violations.length > 0);
    const lines = [
      `${failed.length} of ${results.length} consistency ${results.length === 1 ? 'rule' : 'rules'} violated (scope: ${scope.description}):`,
    ];
    for (const result of results) {
      const count = result.violations.length;
      lines.push(
        `  ${count ? '✗' : '✓'} ${result.rule}: ${result.description}${count ? ` (${count} violating ${count === 1 ? 'row' : 'rows'})` : ''}`,
      );
      for (const row of result.violations.slice(0, 5)) lines.push(`      ${preview(row, 300)}`);
      if (count > 5) lines.push(`      … ${count - 5} more`);
    }
    super(lines.join('\n'));
  }
}

/** Every rule's violations; a rule with `settleMs` is re-checked until it holds or that time passes. */
export async function checkRules(
  db: Databases,
  rules: readonly ConsistencyRule[],
  scope: RuleScope,
): Promise<RuleResult[]> {
  return Promise.all(
    rules.map(async (rule) => {
      try {
        const violations = await eventually(() => rule.violations(db, scope), {
          until: (rows) => rows.length === 0,
          timeout: rule.settleMs ?? 0,
          description: rule.name,
        });
        return { rule: rule.name, description: rule.description, violations };
      } catch (error) {
        if (!(error instanceof EventuallyTimeoutError)) throw error;
        const violations = error.lastValue.value as Record<string, unknown>[] | undefined;
        if (!violations) throw error.lastError; // the rule itself failed (a query error): show that
        return { rule: rule.name, description: rule.description, violations };
      }
    }),
  );
}

export interface Consistency {
  /** Throws a ConsistencyError (and attaches the violating rows as JSON) when a rule is violated. Default scope: this journey. */
  expect(
    rules: ConsistencyRule | readonly ConsistencyRule[],
    options?: { scope?: 'journey' | 'run' | 'all' | RuleScope },
  ): Promise<void>;
  violations(
    rules: ConsistencyRule | readonly ConsistencyRule[],
    options?: { scope?: 'journey' | 'run' | 'all' | RuleScope },
  ): Promise<RuleResult[]>;
}

export function consistencyChecker(db: Databases, correlationId: string, attach: TestInfo['attach']): Consistency {
  const scopeOf = (scope: 'journey' | 'run' | 'all' | RuleScope = 'journey') =>
    typeof scope === 'object'
      ? scope
      : scope === 'journey'
        ? journeyScope(correlationId)
        : scope === 'run'
          ? runScope()
          : allRows();
  const list = (rules: ConsistencyRule | readonly ConsistencyRule[]) =>
    (Array.isArray(rules) ? rules : [rules]) as ConsistencyRule[];
  return {
    violations: (rules, options = {}) => checkRules(db, list(rules), scopeOf(options.scope)),
    async expect(rules, options = {}) {
      const scope = scopeOf(options.scope);
      const results = await checkRules(db, list(rules), scope);
      if (results.every((r) => r.violations.length === 0)) return;
      await attach('consistency-violations.json', {
        body: JSON.stringify({ scope, results }, null, 2),
        contentType: 'application/json',
      });
      throw new ConsistencyError(scope, results);
    },
  };
}
