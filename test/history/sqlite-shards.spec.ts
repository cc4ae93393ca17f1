import { expect, test } from '@playwright/test';
import { openHistoryStore } from 'compose-journeys/history';
import { writeConcurrently } from './support/concurrent-writers.ts';
import { runNested } from './support/nested-history-run.ts';

/** Shards on one machine share one SQLite file: nothing may be lost when they write at once. */

test('four shards record into one new SQLite file at once: every result is there', async ({}, testInfo) => {
  const db = testInfo.outputPath('history.sqlite');
  const runs = await Promise.all(
    [1, 2, 3, 4].map((shard) =>
      runNested(
        { HISTORY_JOURNEYS: 'shards', HISTORY_OUT: testInfo.outputPath(`shard${shard}`), JOURNEYS_HISTORY_URL: db },
        [`--shard=${shard}/4`],
      ),
    ),
  );
  for (const run of runs) {
    expect(run.exitCode, run.output).toBe(0);
    expect(run.output).not.toContain('warning');
    expect(run.summary()).toMatchObject({ recorded: true, counts: { passed: 25 } });
  }

  const store = await openHistoryStore({ url: db, access: 'read' });
  const stored = await store.recentRuns(10);
  const results = await store.journeyResults({ perJourney: 10 });
  await store.close();
  expect(stored.map((r) => r.shard).sort((a, b) => a!.current - b!.current)).toEqual(
    [1, 2, 3, 4].map((current) => ({ current, total: 4 })),
  );
  expect(stored.map((r) => r.runId).sort()).toEqual(runs.map((r) => r.summary().runId).sort());
  expect(results).toHaveLength(100);
  expect(new Set(results.map((r) => r.journeyId)).size).toBe(100);
  for (const run of stored) expect(results.filter((r) => r.runId === run.runId)).toHaveLength(25);
});

test('four writers, 40 runs of 30 journeys each, into one SQLite file at the same instant: nothing lost', async ({}, testInfo) => {
  const db = testInfo.outputPath('history.sqlite');
  await writeConcurrently(db, { writers: 4, runs: 40, journeys: 30 });
  const store = await openHistoryStore({ url: db, access: 'read' });
  const runs = await store.recentRuns(1_000);
  const results = await store.journeyResults({ perJourney: 1_000 });
  const shapes = await store.baselineShapes('w1.journey.ts › journey 0');
  await store.close();
  expect(runs).toHaveLength(160);
  expect(results).toHaveLength(160 * 30);
  for (const writer of ['w1', 'w2', 'w3', 'w4'])
    expect(results.filter((r) => r.runId.startsWith(`${writer}-`))).toHaveLength(40 * 30);
  expect(shapes).toEqual({ 'kafka run-39': { id: 'string' } }); // the last passing run's shapes, whole
});
