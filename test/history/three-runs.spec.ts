import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { type HistoryReport, historyReportSchema, openHistoryStore, runHistoryCommand } from 'compose-journeys/history';
import { REPO, runNested } from './support/nested-history-run.ts';

/**
 * Three real runs of three journeys: one always passes, one fails on the second run only, one
 * fails its first attempt and passes on the retry every time. `journeys history --json` must say
 * exactly that.
 */
const STEADY = 'steady.journey.ts › always passes';
const SECOND = 'second-run.journey.ts › orders › fails on the second run only';
const FLAKY = 'flaky.journey.ts › flaky: fails first, passes on retry';

async function historyJson(db: string): Promise<HistoryReport> {
  const out: string[] = [];
  const logs: string[] = [];
  const code = await runHistoryCommand({
    url: db,
    json: true,
    out: (line) => out.push(line),
    log: (line) => logs.push(line),
  });
  expect(code, logs.join('\n')).toBe(0);
  return historyReportSchema.parse(JSON.parse(out.join('\n')));
}

test('three runs: a journey that failed on the second run only and a flaky one, exactly', async ({}, testInfo) => {
  const db = testInfo.outputPath('history.sqlite');
  const stackInfo = testInfo.outputPath('stack-info.json');
  writeFileSync(
    stackInfo,
    JSON.stringify({ configHash: 'cfg-1', images: { orders: 'sha256:aaa', postgres: 'sha256:bbb' } }),
  );
  const env = (run: number) => ({
    HISTORY_RUN: String(run),
    HISTORY_JOURNEYS: 'three-runs',
    HISTORY_OUT: testInfo.outputPath(`run${run}`),
    JOURNEYS_HISTORY_URL: db,
    JOURNEYS_HISTORY_STACK_INFO: stackInfo,
  });

  const run1 = await runNested(env(1));
  expect(run1.exitCode, run1.output).toBe(0); // a flaky journey does not fail a run
  const run2 = await runNested(env(2));
  expect(run2.exitCode, run2.output).toBe(1);
  expect(run2.report().get('fails on the second run only')?.status).toBe('failed');

  // After the second run, the failure streak begins at run 2.
  const afterTwo = await historyJson(db);
  const second = afterTwo.journeys.find((j) => j.journeyId === SECOND)!;
  expect(second).toMatchObject({ passed: 1, flaky: 0, failed: 1, flakeRate: 0, lastStatus: 'failed' });
  expect(second.failingSince).toMatchObject({ runId: run2.summary().runId, runs: 1 });

  const run3 = await runNested(env(3));
  expect(run3.exitCode, run3.output).toBe(0);
  const history = await historyJson(db);
  const runIds = [run1, run2, run3].map((run) => run.summary().runId);
  const sha = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: REPO, encoding: 'utf8' }).trim();

  expect(history.runs.map((r) => [r.runId, r.status, r.counts])).toEqual([
    [runIds[0], 'passed', { passed: 2, flaky: 1, failed: 0, notRun: 0 }],
    [runIds[1], 'failed', { passed: 1, flaky: 1, failed: 1, notRun: 0 }],
    [runIds[2], 'passed', { passed: 2, flaky: 1, failed: 0, notRun: 0 }],
  ]);
  for (const run of history.runs)
    expect(run).toMatchObject({
      gitSha: process.env.GITHUB_SHA ?? sha,
      configHash: 'cfg-1',
      images: { orders: 'sha256:aaa', postgres: 'sha256:bbb' },
    });
  expect(history.runs.every((r) => r.shard === undefined)).toBe(true);

  const byId = new Map(history.journeys.map((j) => [j.journeyId, j]));
  expect([...byId.keys()].sort()).toEqual([FLAKY, SECOND, STEADY]);
  expect(byId.get(STEADY)).toMatchObject({
    runs: 3,
    passed: 3,
    flaky: 0,
    failed: 0,
    flakeRate: 0,
    lastStatus: 'passed',
  });
  expect(byId.get(STEADY)!.lastFailure).toBeUndefined();
  expect(byId.get(SECOND)).toMatchObject({
    runs: 3,
    passed: 2,
    flaky: 0,
    failed: 1,
    flakeRate: 0,
    lastStatus: 'passed',
    lastFailure: {
      runId: runIds[1],
      category: 'PRODUCT',
      reason: 'order total was -5',
      services: ['orders', 'payments'],
      flaky: false,
    },
  });
  expect(byId.get(SECOND)!.failingSince).toBeUndefined(); // it passes again
  expect(byId.get(FLAKY)).toMatchObject({
    runs: 3,
    passed: 0,
    flaky: 3,
    failed: 0,
    flakeRate: 1,
    lastStatus: 'passed',
    lastFailure: { runId: runIds[2], category: 'INFRA', reason: 'kafka: restart', services: ['kafka'], flaky: true },
  });
  expect(byId.get(FLAKY)!.failingSince).toBeUndefined();
  // The default policy (2 flaky runs in a window of 10) quarantined it after run 2.
  expect(byId.get(FLAKY)!.quarantine).toMatchObject({ quarantined: true, since: { runId: runIds[1] } });
  expect(history.quarantined.map((q) => q.journeyId)).toEqual([FLAKY]);
  expect(history.failuresByCategory).toEqual({ INFRA: 3, PRODUCT: 1 });
  expect(history.failuresByService).toEqual({ kafka: 3, orders: 1, payments: 1 });

  // The ids a worker computes (journeyIdOf) are the ids the reporter stored.
  const workerIds = [...run3.report().values()].flatMap((t) => t.annotations['journey-id'] ?? []);
  expect(workerIds.sort()).toEqual([FLAKY, SECOND, STEADY]);

  // Retries, durations and correlation ids are in the database as recorded.
  const store = await openHistoryStore({ url: db, access: 'read' });
  const rows = await store.journeyResults({ perJourney: 10, journeyId: SECOND });
  await store.close();
  expect(rows.map((r) => [r.status, r.retries, r.correlationId])).toEqual([
    ['passed', 0, 'cid-run1'],
    ['failed', 1, 'cid-run2'],
    ['passed', 0, 'cid-run3'],
  ]);
  expect(rows.every((r) => r.durationMs >= 0 && r.project === 'journeys')).toBe(true);

  // The table form says the same.
  const table: string[] = [];
  expect(await runHistoryCommand({ url: db, out: (l) => table.push(l), log: () => undefined })).toBe(0);
  expect(table.join('\n')).toContain(`${FLAKY} [quarantined]`);
});

test('a stack that did not come up: its journeys are "not run" and its failure is the run\'s infra failure', async ({}, testInfo) => {
  const db = testInfo.outputPath('history.sqlite');
  const run = await runNested({
    HISTORY_STACK: 'fail',
    HISTORY_JOURNEYS: 'three-runs',
    HISTORY_OUT: testInfo.outputPath('run'),
    JOURNEYS_HISTORY_URL: db,
  });
  expect(run.exitCode, run.output).toBe(1);
  expect(run.summary()).toMatchObject({
    recorded: true,
    status: 'failed',
    passedByQuarantine: false,
    counts: { passed: 0, flaky: 0, failed: 0, notRun: 3 },
  });
  const history = await historyJson(db);
  expect(history.runs[0]!.infraFailure).toBe(
    'HEALTHCHECK_TIMEOUT: Error: service orders did not become healthy within 5 s',
  );
  expect(history.journeys.map((j) => j.lastStatus)).toEqual(['notRun', 'notRun', 'notRun']);
  expect(history.journeys.every((j) => j.runs === 1 && j.notRun === 1 && j.flakeRate === 0)).toBe(true);
});

test('--list runs no journey: nothing is recorded and no database is created', async ({}, testInfo) => {
  const db = testInfo.outputPath('history.sqlite');
  const run = await runNested(
    { HISTORY_JOURNEYS: 'three-runs', HISTORY_OUT: testInfo.outputPath('list'), JOURNEYS_HISTORY_URL: db },
    ['--list'],
  );
  expect(run.exitCode, run.output).toBe(0);
  expect(run.output).toContain('Total: 4 tests in 4 files');
  expect(run.output).not.toContain('[journeys history]');
  expect(existsSync(db)).toBe(false);
});
