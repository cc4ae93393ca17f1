import { expect, test } from '@playwright/test';
import { historyReportSchema, openHistoryStore, quarantineVerdict, runHistoryCommand } from 'compose-journeys/history';
import { runNested } from './support/nested-history-run.ts';

/**
 * Quarantine over real runs, with a small policy: 2 flaky runs in a window of 4 (rate 0.5)
 * quarantine a journey; 2 clean runs in a row release it.
 */
const POLICY = { window: 4, flakeRate: 0.5, releaseAfter: 2 };
const WOBBLY = 'wobbly.journey.ts › wobbly checkout';
const TAGGED = 'tagged.journey.ts › known broken refund';

test('quarantine: enters at the threshold, the run passes while the failure is reported, a declared quarantine works, released after clean runs', async ({}, testInfo) => {
  const db = testInfo.outputPath('history.sqlite');
  let n = 0;
  const run = (vars: Record<string, string>) => {
    n += 1;
    return runNested({
      HISTORY_JOURNEYS: 'quarantine',
      JOURNEYS_HISTORY_QUARANTINE: JSON.stringify(POLICY),
      HISTORY_OUT: testInfo.outputPath(`run${n}`),
      JOURNEYS_HISTORY_URL: db,
      ...vars,
    });
  };
  const verdict = async () => {
    const store = await openHistoryStore({ url: db, access: 'read' });
    try {
      return await quarantineVerdict(store, WOBBLY, POLICY);
    } finally {
      await store.close();
    }
  };

  // 1: one flaky run of 4 is 0.25 < 0.5: not quarantined.
  const first = await run({ WOBBLY: 'flaky' });
  expect(first.exitCode, first.output).toBe(0);
  expect(first.summary().nextRun.entering).toEqual([]);
  expect((await verdict()).quarantined).toBe(false);

  // 2: two flaky runs of 4 reach 0.5: quarantined from the next run on.
  const second = await run({ WOBBLY: 'flaky' });
  expect(second.exitCode, second.output).toBe(0);
  expect(second.summary().nextRun.entering).toEqual([
    {
      journeyId: WOBBLY,
      reason: expect.stringContaining('flaky in 2 of its last 2 runs (0.50 ≥ 0.5 over a window of 4)'),
    },
  ]);
  expect(await verdict()).toMatchObject({ quarantined: true, since: { runId: second.summary().runId } });

  // 3: the quarantined journey and the declared one (owner, until, reason) fail on every attempt: still run, still
  // reported as failed, and the run passes.
  const third = await run({ WOBBLY: 'fail', TAGGED: 'fail' });
  expect(third.exitCode, third.output).toBe(0);
  expect(third.output).toMatch(/2 failed/); // the list reporter still reports both failures
  expect(third.report().get('wobbly checkout')?.status).toBe('failed');
  // The worker side (openWorkerHistory) annotated it for the HTML report, with the same verdict.
  expect(third.report().get('wobbly checkout')?.annotations.quarantine).toEqual([
    expect.stringMatching(/^flaky in 2 of its last 2 runs .*: its failure does not fail the run$/),
  ]);
  expect(first.report().get('wobbly checkout')?.annotations.quarantine).toBeUndefined();
  expect(third.report().get('known broken refund')?.status).toBe('failed');
  const summary = third.summary();
  expect(summary).toMatchObject({
    status: 'passed',
    playwrightStatus: 'failed',
    passedByQuarantine: true,
    recorded: true,
  });
  expect(summary.quarantined).toEqual([
    {
      journeyId: TAGGED,
      project: 'journeys',
      reason: 'refunds are not built yet (owner @refunds, until 2099-12-31)',
      tagged: true,
      owner: '@refunds',
      until: '2099-12-31',
      status: 'failed',
      failed: true,
      copies: 1,
    },
    {
      journeyId: WOBBLY,
      project: 'journeys',
      reason: expect.stringContaining('flaky in 2 of its last 2 runs'),
      tagged: false,
      owner: 'unowned (automatic)',
      status: 'failed',
      failed: true,
      copies: 1,
    },
  ]);
  expect(third.output).toContain('run status: failed → passed: every failure is a quarantined journey');

  // 4: a failure that is NOT quarantined fails the run, quarantined failures or not. The
  // quarantined journey passes cleanly: 1 of the 2 clean runs it needs.
  const fourth = await run({ WOBBLY: 'pass', TAGGED: 'fail', SOLID: 'fail' });
  expect(fourth.exitCode, fourth.output).toBe(1);
  expect(fourth.summary()).toMatchObject({ status: 'failed', passedByQuarantine: false });
  expect((await verdict()).reason).toContain('clean runs since: 1 of 2 to leave');

  // 5: the second clean run in a row releases it.
  const fifth = await run({ WOBBLY: 'pass' });
  expect(fifth.exitCode, fifth.output).toBe(0);
  expect(fifth.summary().nextRun.leaving).toEqual([
    { journeyId: WOBBLY, reason: 'left quarantine after 2 clean runs in a row' },
  ]);
  expect(await verdict()).toMatchObject({ quarantined: false, since: { runId: fifth.summary().runId } });

  // 6: released, its failure fails the run again (the flakes before its release no longer count).
  const sixth = await run({ WOBBLY: 'fail' });
  expect(sixth.exitCode, sixth.output).toBe(1);
  expect(sixth.summary().quarantined.map((q) => q.journeyId)).toEqual([TAGGED]);

  // The history shows the runs that passed by quarantine and who is quarantined now.
  const out: string[] = [];
  expect(
    await runHistoryCommand({ url: db, json: true, quarantine: POLICY, out: (l) => out.push(l), log: () => undefined }),
  ).toBe(0);
  const history = historyReportSchema.parse(JSON.parse(out.join('\n')));
  expect(history.runs.map((r) => [r.status, r.passedByQuarantine])).toEqual([
    ['passed', false],
    ['passed', false],
    ['passed', true],
    ['failed', false],
    ['passed', false],
    ['failed', false],
  ]);
  // The declared quarantine is recorded with its owner; the flake-rate one ended in run 5.
  expect(history.quarantined).toEqual([
    expect.objectContaining({
      journeyId: TAGGED,
      owner: '@refunds',
      until: '2099-12-31',
      reason: 'refunds are not built yet',
    }),
  ]);
  expect(history.journeys.find((j) => j.journeyId === WOBBLY)).toMatchObject({
    passed: 2,
    flaky: 2,
    failed: 2,
    failingSince: { runs: 1 },
  });
});
