import { expect, test } from '@playwright/test';
import { type HistoryReport, historyReportSchema, openHistoryStore, runHistoryCommand } from 'compose-journeys/history';
import { runNested } from './support/nested-history-run.ts';

/**
 * Flakes you can act on, over real runs: every `--repeat-each` copy recorded and its rate given with
 * its interval; quarantine declared with an owner and an expiry, and what fails the run over it.
 */

async function historyJson(db: string, quarantine?: Record<string, unknown>): Promise<HistoryReport> {
  const out: string[] = [];
  const logs: string[] = [];
  const code = await runHistoryCommand({
    url: db,
    json: true,
    ...(quarantine ? { quarantine } : {}),
    out: (line) => out.push(line),
    log: (line) => logs.push(line),
  });
  expect(code, logs.join('\n')).toBe(0);
  return historyReportSchema.parse(JSON.parse(out.join('\n')));
}

async function runsIn(db: string): Promise<string[]> {
  const store = await openHistoryStore({ url: db, access: 'read' });
  try {
    return (await store.recentRuns(100)).map((r) => r.runId);
  } finally {
    await store.close();
  }
}

test('--repeat-each 20 of a journey that fails 1 time in 4: 20 results, and a rate of 5/20 with its interval', async ({}, testInfo) => {
  const db = testInfo.outputPath('history.sqlite');
  const run = await runNested(
    {
      HISTORY_JOURNEYS: 'repeat',
      HISTORY_OUT: testInfo.outputPath('run'),
      HISTORY_RETRIES: '0',
      HISTORY_WORKERS: '2',
      JOURNEYS_HISTORY_URL: db,
    },
    ['--repeat-each', '20'],
  );
  expect(run.exitCode, run.output).toBe(1); // 5 copies failed, nothing quarantined
  expect(run.output).not.toContain('only the first copy'); // the warning before copies were recorded
  expect(run.summary()).toMatchObject({ recorded: true, counts: { passed: 15, failed: 5 }, warnings: [] });

  const store = await openHistoryStore({ url: db, access: 'read' });
  const rows = await store.journeyResults({ perJourney: 1 });
  await store.close();
  expect(rows).toHaveLength(20);
  expect(rows.map((r) => r.repeatIndex ?? 0)).toEqual([...Array(20).keys()]);
  expect(rows.filter((r) => r.status === 'failed').map((r) => r.repeatIndex)).toEqual([3, 7, 11, 15, 19]);

  const history = await historyJson(db);
  expect(history.runs[0]!.counts).toEqual({ passed: 15, flaky: 0, failed: 5, notRun: 0 });
  const journey = history.journeys.find((j) => j.journeyId === 'one-in-four.journey.ts › pays by card');
  expect(journey).toMatchObject({
    runs: 1,
    samples: 20,
    failed: 5,
    failureRate: { count: 5, samples: 20, rate: 0.25, low: 0.1119, high: 0.4687 },
    verdict: { kind: 'flaky', flakyEvidence: [expect.stringMatching(/^failed 5 of 20 samples at the same inputs/)] },
  });
  const table: string[] = [];
  expect(await runHistoryCommand({ url: db, out: (l) => table.push(l), log: () => undefined })).toBe(0);
  expect(table.join('\n')).toContain('one-in-four.journey.ts › pays by card: fails 25 % (5 of 20, 95 % CI 11–47 %)');
});

test('declared quarantine: an owner and an expiry; bad input, an expired one and the cap fail the run by name, and nothing recorded is lost', async ({}, testInfo) => {
  const db = testInfo.outputPath('history.sqlite');
  let n = 0;
  const run = (vars: Record<string, string>) => {
    n += 1;
    return runNested({
      HISTORY_JOURNEYS: 'declared',
      HISTORY_OUT: testInfo.outputPath(`run${n}`),
      HISTORY_RETRIES: '0',
      JOURNEYS_HISTORY_URL: db,
      ...vars,
    });
  };

  // 1: the owned journey fails, quarantined by its owner: the run passes, the summary names the owner.
  const first = await run({ OWNED: 'fail' });
  expect(first.exitCode, first.output).toBe(0);
  expect(first.summary()).toMatchObject({ status: 'passed', passedByQuarantine: true, quarantineErrors: [] });
  expect(first.summary().quarantined).toEqual([
    {
      journeyId: 'owned.journey.ts › pays by card',
      project: 'journeys',
      reason: 'flaky 3DS callback (owner @payments-team, until 2099-12-31)',
      tagged: true,
      owner: '@payments-team',
      until: '2099-12-31',
      status: 'failed',
      failed: true,
      copies: 1,
    },
  ]);

  // 2: a bare @quarantine tag has no owner: not applied, and the run fails naming the journey, its file and the fix.
  const second = await run({ REFUND: 'tag-only' });
  expect(second.exitCode, second.output).toBe(1);
  const noOwner =
    /the quarantine of "refund\.journey\.ts › refunds an order" \(refund\.journey\.ts:\d+\) is not applied: it is tagged @quarantine without a 'quarantine' annotation, so it has no owner, expiry or reason\. Fix: say who fixes it, why, and by when: test\('…', \{ annotation: \{ type: 'quarantine', description: 'owner=@your-team; until=YYYY-MM-DD; reason=/;
  expect(second.output).toMatch(noOwner);
  expect(second.summary()).toMatchObject({ status: 'failed', playwrightStatus: 'passed', recorded: true });
  expect(second.summary().quarantineErrors).toEqual([expect.stringMatching(noOwner)]);

  // 3: a date in the past: expired, no longer applied, and the run fails naming the owner and the date, though the journey passed.
  const third = await run({ OWNED_UNTIL: '2020-01-31' });
  expect(third.exitCode, third.output).toBe(1);
  expect(third.output).toContain(
    'the quarantine of "owned.journey.ts › pays by card" (owned.journey.ts:4) by @payments-team expired on 2020-01-31 (reason: flaky 3DS callback); it is no longer applied and the run fails. Fix: @payments-team fixes the journey and removes the annotation, or sets a later until=',
  );
  expect(third.summary().quarantined).toEqual([]);

  // 4: the cap: two journeys quarantined, at most one allowed.
  const fourth = await run({ REFUND: 'owned', JOURNEYS_HISTORY_QUARANTINE: JSON.stringify({ max: 1 }) });
  expect(fourth.exitCode, fourth.output).toBe(1);
  expect(fourth.output).toContain(
    '2 journeys are quarantined in this run, more than quarantine.max (1): owned.journey.ts › pays by card, refund.journey.ts › refunds an order.',
  );
  // Within the cap, the same run passes.
  const fifth = await run({ REFUND: 'owned', JOURNEYS_HISTORY_QUARANTINE: JSON.stringify({ max: 2 }) });
  expect(fifth.exitCode, fifth.output).toBe(0);

  // Every run is in the database, the ones that failed over quarantine too.
  expect(await runsIn(db)).toEqual([first, second, third, fourth, fifth].map((r) => r.summary().runId));
  const history = await historyJson(db);
  expect(history.runs.map((r) => r.status)).toEqual(['passed', 'failed', 'failed', 'failed', 'passed']);
  expect(history.quarantined).toEqual([
    expect.objectContaining({
      journeyId: 'owned.journey.ts › pays by card',
      owner: '@payments-team',
      until: '2099-12-31',
      reason: 'flaky 3DS callback',
    }),
    expect.objectContaining({
      journeyId: 'refund.journey.ts › refunds an order',
      owner: '@refunds',
      until: '2099-12-31',
      reason: 'slow ledger',
    }),
  ]);
});
