import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { openHistoryStore } from 'compose-journeys/history';
import { REPO, runNested } from './support/nested-history-run.ts';

/**
 * The nightly workflow's SQLite flow, small: shards only READ the restored history (quarantine
 * decisions, JOURNEYS_HISTORY_RECORD=0) and write blob reports; the report job merges them with
 * the history reporter, which records the merged run once.
 */
const POLICY = JSON.stringify({ window: 4, flakeRate: 0.5, releaseAfter: 2 });

test('CI flow: read-only shards apply quarantine, merge-reports records the merged run once', async ({}, testInfo) => {
  const db = testInfo.outputPath('history.sqlite');
  const base = { HISTORY_JOURNEYS: 'quarantine', JOURNEYS_HISTORY_URL: db, JOURNEYS_HISTORY_QUARANTINE: POLICY };
  for (const night of [1, 2]) {
    const run = await runNested({ ...base, WOBBLY: 'flaky', HISTORY_OUT: testInfo.outputPath(`night${night}`) });
    expect(run.exitCode, run.output).toBe(0);
  }

  // Night 3, two shards: the quarantined journey fails on every attempt; its shard still passes.
  const blobs = testInfo.outputPath('all-blobs');
  mkdirSync(blobs, { recursive: true });
  const shards = await Promise.all(
    [1, 2].map((shard) =>
      runNested(
        {
          ...base,
          WOBBLY: 'fail',
          JOURNEYS_HISTORY_RECORD: '0',
          HISTORY_OUT: testInfo.outputPath(`shard${shard}`),
          PLAYWRIGHT_BLOB_OUTPUT_DIR: testInfo.outputPath(`blob${shard}`),
        },
        [`--shard=${shard}/2`, '--reporter=blob,list,./dist/src/history/reporter.js'],
      ),
    ),
  );
  for (const [i, shard] of shards.entries()) {
    expect(shard.exitCode, shard.output).toBe(0);
    expect(shard.output).toContain('not recorded (read-only: JOURNEYS_HISTORY_RECORD=0)');
    const dir = testInfo.outputPath(`blob${i + 1}`);
    for (const file of readdirSync(dir)) copyFileSync(path.join(dir, file), path.join(blobs, file));
  }
  expect(
    shards.some((s) =>
      /wobbly.journey.ts › wobbly checkout \[journeys\] FAILED \(failed\), not failing the run/.test(s.output),
    ),
  ).toBe(true);
  const readCount = async () => {
    const store = await openHistoryStore({ url: db, access: 'read' });
    try {
      return (await store.recentRuns(100)).length;
    } finally {
      await store.close();
    }
  };
  expect(await readCount()).toBe(2); // the shards wrote nothing

  const merged = spawnSync(
    'npx',
    ['--no-install', 'playwright', 'merge-reports', '--reporter', 'json,./dist/src/history/reporter.js', blobs],
    {
      cwd: REPO,
      encoding: 'utf8',
      env: {
        ...process.env,
        ...base,
        JOURNEYS_HISTORY_RECORD: '1',
        PLAYWRIGHT_JSON_OUTPUT_FILE: testInfo.outputPath('merged.json'),
      },
    },
  );
  expect(merged.status, merged.stdout + merged.stderr).toBe(0);
  const summaryLine = merged.stdout.split('\n').find((l) => l.includes('recorded in SQLite'));
  expect(summaryLine, merged.stdout).toContain('2 passed, 0 flaky, 1 failed');
  expect(await readCount()).toBe(3);
  const store = await openHistoryStore({ url: db, access: 'read' });
  const [newest] = await store.recentRuns(1);
  const results = (await store.journeyResults({ perJourney: 1 })).filter((r) => r.runId === newest!.runId);
  await store.close();
  expect(newest).toMatchObject({ status: 'passed', passedByQuarantine: true });
  expect(results.map((r) => [r.journeyId, r.status, r.quarantined]).sort()).toEqual([
    ['solid.journey.ts › solid browse', 'passed', false],
    ['tagged.journey.ts › known broken refund', 'passed', true],
    ['wobbly.journey.ts › wobbly checkout', 'failed', true],
  ]);
});
