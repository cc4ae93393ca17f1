import { test, expect } from '@playwright/test';
import { runHistoryCommand } from '../../src/history/history-command.ts';
import { historyReportSchema } from '../../src/history/history-report.ts';
import { baselineShapes } from '../../src/history/drift/baseline-shapes.ts';
import { openHistoryStore } from '../../src/history/store/open-history-store.ts';
import { runNested } from './support/nested-history-run.ts';

const JOURNEY = 'producer.journey.ts › order placed';

test('drift: a producer adds a field and retypes another between runs; the next run names both paths', async ({}, testInfo) => {
  const db = testInfo.outputPath('history.sqlite');
  const run = (name: string, vars: Record<string, string>) => runNested({ HISTORY_JOURNEYS: 'drift', HISTORY_RETRIES: '0', HISTORY_OUT: testInfo.outputPath(name), JOURNEYS_HISTORY_URL: db, ...vars });
  const baseline = async () => {
    const store = await openHistoryStore({ url: db, access: 'read' });
    try {
      return await baselineShapes(store, JOURNEY);
    } finally {
      await store.close();
    }
  };

  const first = await run('v1', { PRODUCER: 'v1' });
  expect(first.exitCode, first.output).toBe(0);
  expect(first.report().get('order placed')?.annotations.drift).toBeUndefined(); // no baseline yet
  expect((await baseline())['kafka orders.placed']).toEqual({
    'customer': 'object', 'customer.id': 'string', 'customer.tier': 'null', 'items': 'array', 'items[]': 'object', 'items[].qty': 'number', 'items[].sku': 'string', 'orderId': 'string', 'total': 'number',
  });

  const second = await run('v2', { PRODUCER: 'v2' });
  expect(second.exitCode, second.output).toBe(0); // drift is reported, not (yet: strict mode) a failure
  expect(second.report().get('order placed')?.annotations.drift).toEqual(['kafka orders.placed: added items[].discount; retyped total number → string']);
  expect(second.summary().drift).toEqual([{ journeyId: JOURNEY, drift: ['kafka orders.placed: added items[].discount; retyped total number → string'] }]);

  const out: string[] = [];
  expect(await runHistoryCommand({ url: db, json: true, out: (l) => out.push(l), log: () => undefined })).toBe(0);
  const history = historyReportSchema.parse(JSON.parse(out.join('\n')));
  expect(history.drift).toEqual([{ journeyId: JOURNEY, runId: second.summary().runId, startedAt: expect.any(String), drift: ['kafka orders.placed: added items[].discount; retyped total number → string'] }]);
  const table: string[] = [];
  await runHistoryCommand({ url: db, out: (l) => table.push(l), log: () => undefined });
  expect(table.join('\n')).toContain(`${JOURNEY}: kafka orders.placed: added items[].discount; retyped total number → string`);

  // The second run passed: its shapes are the baseline now.
  expect((await baseline())['kafka orders.placed']).toMatchObject({ 'items[].discount': 'number', 'total': 'string' });

  // A failing run reports drift against the last PASSING run, and does not replace its shapes.
  const third = await run('v3', { PRODUCER: 'v3', PRODUCER_FAILS: '1' });
  expect(third.exitCode, third.output).toBe(1);
  expect(third.report().get('order placed')?.annotations.drift).toEqual(['kafka orders.placed: removed customer, customer.id, customer.tier, items[], items[].discount, items[].qty, items[].sku, total']);
  expect((await baseline())['kafka orders.placed']).toMatchObject({ 'items[].discount': 'number', 'total': 'string' });
  expect(Object.keys(await baseline()).sort()).toEqual(['http POST /orders 201', 'kafka orders.placed']);
});
