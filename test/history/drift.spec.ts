import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { baselineShapes, historyReportSchema, openHistoryStore, runHistoryCommand } from 'compose-journeys/history';
import { REPO, runNested } from './support/nested-history-run.ts';

const JOURNEY = 'producer.journey.ts › order placed';

test('drift: a producer adds a field and retypes another between runs; the next run names both paths', async ({}, testInfo) => {
  const db = testInfo.outputPath('history.sqlite');
  const run = (name: string, vars: Record<string, string>) =>
    runNested({
      HISTORY_JOURNEYS: 'drift',
      HISTORY_RETRIES: '0',
      HISTORY_OUT: testInfo.outputPath(name),
      JOURNEYS_HISTORY_URL: db,
      ...vars,
    });
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
    customer: 'object',
    'customer.id': 'string',
    'customer.tier': 'null',
    items: 'array',
    'items[]': 'object',
    'items[].qty': 'number',
    'items[].sku': 'string',
    orderId: 'string',
    total: 'number',
  });

  const second = await run('v2', { PRODUCER: 'v2' });
  expect(second.exitCode, second.output).toBe(0); // drift is reported, not (yet: strict mode) a failure
  expect(second.report().get('order placed')?.annotations.drift).toEqual([
    'kafka orders.placed: added items[].discount; retyped total number → string',
  ]);
  expect(second.summary().drift).toEqual([
    { journeyId: JOURNEY, drift: ['kafka orders.placed: added items[].discount; retyped total number → string'] },
  ]);

  const out: string[] = [];
  expect(await runHistoryCommand({ url: db, json: true, out: (l) => out.push(l), log: () => undefined })).toBe(0);
  const history = historyReportSchema.parse(JSON.parse(out.join('\n')));
  expect(history.drift).toEqual([
    {
      journeyId: JOURNEY,
      runId: second.summary().runId,
      startedAt: expect.any(String),
      drift: ['kafka orders.placed: added items[].discount; retyped total number → string'],
    },
  ]);
  const table: string[] = [];
  await runHistoryCommand({ url: db, out: (l) => table.push(l), log: () => undefined });
  expect(table.join('\n')).toContain(
    `${JOURNEY}: kafka orders.placed: added items[].discount; retyped total number → string`,
  );

  // The second run passed: its shapes are the baseline now.
  expect((await baseline())['kafka orders.placed']).toMatchObject({ 'items[].discount': 'number', total: 'string' });

  // A failing run reports drift against the last PASSING run, and does not replace its shapes.
  const third = await run('v3', { PRODUCER: 'v3', PRODUCER_FAILS: '1' });
  expect(third.exitCode, third.output).toBe(1);
  expect(third.report().get('order placed')?.annotations.drift).toEqual([
    'kafka orders.placed: removed customer, customer.id, customer.tier, items[], items[].discount, items[].qty, items[].sku, total',
  ]);
  expect((await baseline())['kafka orders.placed']).toMatchObject({ 'items[].discount': 'number', total: 'string' });
  expect(Object.keys(await baseline()).sort()).toEqual(['http POST /orders 201', 'kafka orders.placed']);
});

test('drift through the fixtures on a real stack: a tap and the api record shapes; driftStrict fails the journey as a product change', async ({}, testInfo) => {
  test.setTimeout(6 * 60_000);
  const db = testInfo.outputPath('history.sqlite');
  // One stack for the three runs (reused), removed at the end.
  const project = `journeys-drift-${process.pid}`;
  const run = (name: string, vars: Record<string, string>) =>
    runNested(
      {
        HISTORY_OUT: testInfo.outputPath(name),
        JOURNEYS_HISTORY_URL: db,
        JOURNEYS_REUSE: '1',
        JOURNEYS_PROJECT: project,
        ...vars,
      },
      [],
      'test/history/nested/fixtures.config.ts',
    );
  const TITLE = 'an order is announced and served';
  try {
    const first = await run('v1', { PRODUCER: 'v1' });
    expect(first.exitCode, first.output).toBe(0);
    expect(first.report().get(TITLE)?.annotations.drift).toBeUndefined();

    const second = await run('v2', { PRODUCER: 'v2' });
    expect(second.exitCode, second.output).toBe(0);
    expect(second.report().get(TITLE)?.annotations.drift?.sort()).toEqual([
      'amqp amq.topic/orders.placed: added items[].discount; retyped total number → string',
      'http wiremock GET /orders/:id 200: added items[].discount; retyped total number → string',
    ]);

    const strict = await run('strict', { PRODUCER: 'v1', DRIFT_STRICT: '1' });
    expect(strict.exitCode, strict.output).toBe(1);
    const failed = strict.report().get(TITLE)!;
    expect(failed.status).toBe('failed');
    expect(failed.annotations['failure-category']).toEqual(['PRODUCT']);
    expect(failed.annotations.drift).toContain(
      'amqp amq.topic/orders.placed: removed items[].discount; retyped total string → number',
    );
  } finally {
    execFileSync('node', [path.join(REPO, 'bin/journeys.js'), 'down', '-p', project], { cwd: REPO });
  }
});
