// Consistency rules without a stack: the journey scope's keys, and rules that say how many rows they
// checked, over a fake of the `db` fixture.
import { expect, test } from '@playwright/test';
import {
  ConsistencyError,
  type ConsistencyRule,
  consistencyChecker,
  defineRule,
  type RuleScope,
} from '../../src/data/consistency.ts';
import type { Databases } from '../../src/data/databases.ts';
import { journeyRowsSql } from '../../src/data/journey-rows.ts';
import type { ApiExchange } from '../../src/http/service-client.ts';
import { runPrefix } from '../../src/run/run-identity.ts';
import { fakeDatabases } from './fake-databases.ts';

const created = (body: unknown): ApiExchange => ({
  service: 'orders',
  method: 'POST',
  url: 'http://127.0.0.1:8080/orders',
  status: 201,
  startedAt: '2026-01-01T00:00:00.000Z',
  durationMs: 3,
  request: {},
  response: { headers: {}, body },
});

// An orders database without a correlation_id column: o-1 is ours and unpaid, o-other another journey's.
const shop = () =>
  fakeDatabases({
    orders: [
      {
        name: 'orders',
        key: ['id'],
        columns: ['id', 'status', 'paid_cents', 'total_cents'],
        rows: [
          { id: 'o-1', status: 'PAID', paid_cents: 0, total_cents: 100 },
          { id: 'o-other', status: 'PAID', paid_cents: 0, total_cents: 100 },
        ],
      },
    ],
  });

/** Reports what it looked at: the scope's orders (by the journey's keys), and those paid less than their total. */
const paidInFull = defineRule({
  name: 'paid-in-full',
  description: 'every PAID order was paid its total',
  async violations(db, scope) {
    const orders = await db
      .database('orders')
      .query<{ id: string; paid_cents: number; total_cents: number }>(journeyRowsSql('public.orders', ['id']), [
        scope.keys,
      ]);
    return { checked: orders.length, violations: orders.filter((o) => o.paid_cents !== o.total_cents) };
  },
});

/** The rule of a schema that had correlation_id: on this one it finds nothing, and says so. */
const byCorrelationId = defineRule({
  name: 'by-correlation-id',
  description: 'reads orders by correlation_id',
  violations: async () => ({ checked: 0, violations: [] }),
});

const holds = (name: string): ConsistencyRule => ({ name, description: `${name} holds`, violations: async () => [] });

const checker = (db: Databases, exchanges: ApiExchange[], annotations: { type: string; description?: string }[] = []) =>
  consistencyChecker(db, 'cj-journey-1', async () => undefined, { exchanges, annotations });

test("the journey scope's keys are what the journey's calls returned by the time of the check; run and all have none", async () => {
  const seen: RuleScope[] = [];
  const spy = defineRule({
    name: 'spy',
    description: 'records its scope',
    violations: async (_db, scope) => {
      seen.push(scope);
      return [];
    },
  });
  const exchanges: ApiExchange[] = [];
  const consistency = checker(shop().db, exchanges);
  exchanges.push(created({ id: 'o-1', lines: [{ id: 7 }] }));
  await consistency.expect(spy);
  await consistency.expect(spy, { scope: 'run' });
  await consistency.expect(spy, { scope: 'all' });
  expect(seen.map((s) => [s.kind, s.pattern, s.keys])).toEqual([
    ['journey', 'cj-journey-1', ['o-1', '7']],
    ['run', `${runPrefix()}-%`, undefined],
    ['all', '%', undefined],
  ]);
});

test("a rule selecting by the journey's keys finds its violation, and only the journey's", async () => {
  const { db, queries } = shop();
  const error = await checker(db, [created({ id: 'o-1' })])
    .expect([paidInFull, holds('plain')])
    .catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ConsistencyError);
  expect((error as Error).message).toBe(
    [
      '1 of 2 consistency rules violated (scope: this journey (correlation id cj-journey-1)):',
      '  ✗ paid-in-full: every PAID order was paid its total (1 violating row)',
      '      {"id":"o-1","status":"PAID","paid_cents":0,"total_cents":100}',
      '  ✓ plain: plain holds',
    ].join('\n'),
  );
  expect(queries.at(-1)?.params).toEqual([['o-1']]);
  const results = await checker(db, [created({ id: 'o-1' })]).violations([paidInFull, holds('plain')]);
  expect(results.map((r) => [r.rule, r.checked, r.violations.length])).toEqual([
    ['paid-in-full', 1, 1],
    ['plain', undefined, 0],
  ]);
});

test('when every rule checked no rows, expect fails naming them, the scope and the keys looked for', async () => {
  const { db } = shop();
  const rules = [paidInFull, byCorrelationId];
  // The journey's call returned a key no row holds (the order was written under another id).
  const consistency = checker(db, [created({ orderId: 'ord-77' })]);
  const results = await consistency.violations(rules);
  expect(results.map((r) => [r.rule, r.checked])).toEqual([
    ['paid-in-full', 0],
    ['by-correlation-id', 0],
  ]);
  const error = await consistency.expect(rules).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ConsistencyError);
  expect((error as Error).message).toBe(
    [
      '2 consistency rules checked no rows (scope: this journey (correlation id cj-journey-1)), so they prove nothing:',
      '  ○ paid-in-full: every PAID order was paid its total (no rows to check in scope: this journey (correlation id cj-journey-1))',
      '  ○ by-correlation-id: reads orders by correlation_id (no rows to check in scope: this journey (correlation id cj-journey-1))',
      "The journey's API calls returned keys [ord-77]; declare which rows are the journey's: where a table has no correlation_id column, select them by scope.keys (`WHERE id::text = ANY($1::text[])` with [scope.keys]).",
    ].join('\n'),
  );
  const noCalls = await checker(db, [])
    .expect(rules)
    .catch((e: Error) => e.message);
  expect(noCalls).toContain("The journey's API calls returned no keys");
  const wholeRun = await checker(db, [])
    .expect(byCorrelationId, { scope: 'run' })
    .catch((e: Error) => e.message);
  expect(wholeRun).toContain('1 consistency rule checked no rows (scope: this run');
  expect(wholeRun).toContain('a rule that selects its rows by correlation_id (scope.pattern) finds none');
});

test('when only some rules checked no rows, expect passes and warns on the test, naming them', async () => {
  const annotations: { type: string; description?: string }[] = [];
  const { db } = shop();
  const consistency = checker(db, [created({ id: 'o-1' })], annotations);
  await expect(consistency.expect([byCorrelationId, holds('plain')])).resolves.toBeUndefined();
  expect(annotations).toEqual([
    {
      type: 'warning',
      description:
        'consistency rule by-correlation-id checked no rows (scope: this journey (correlation id cj-journey-1), keys [o-1])',
    },
  ]);
  // Rules returning plain arrays are as before: nothing to warn about.
  await consistency.expect([holds('plain'), holds('other')]);
  expect(annotations).toHaveLength(1);
  // A violation still fails, and the rule that checked nothing says so beside it.
  const message = await consistency.expect([paidInFull, byCorrelationId]).catch((e: Error) => e.message);
  expect(message).toContain('1 of 2 consistency rules violated');
  expect(message).toContain(
    '  ○ by-correlation-id: reads orders by correlation_id (no rows to check in scope: this journey (correlation id cj-journey-1))',
  );
});

test('a rule reporting { checked, violations } with settleMs is re-checked until its violations are gone', async () => {
  let calls = 0;
  const settling = defineRule({
    name: 'settling',
    description: 'holds after a moment',
    settleMs: 2_000,
    violations: async () => ({ checked: 1, violations: ++calls < 3 ? [{ id: 'o-1' }] : [] }),
  });
  const [result] = await checker(shop().db, []).violations(settling);
  expect(result).toEqual({ rule: 'settling', description: 'holds after a moment', checked: 1, violations: [] });
  expect(calls).toBe(3);
});
