import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, type TestInfo, test } from '@playwright/test';
import { openHistoryStore } from 'compose-journeys/history';
import pg from 'pg';
import { REPO } from './support/nested-history-run.ts';
import { type PostgresStack, startPostgres } from './support/postgres-stack.ts';

/**
 * The nightly workflow (.github/workflows/nightly.yml) end to end, here: what its jobs run is
 * `journeys nightly shard N/2` twice and `journeys nightly report all-blob-reports`, each job in a
 * folder of its own (a runner's checkout). Between them, what the workflow's own steps do: the
 * shards' blob-report/ go to the report job's all-blob-reports/ (the artifacts), and the SQLite
 * history goes from the report job of one night to every job of the next (the Actions cache).
 * Three nights on a small nested config (no stack): night 2 breaks checkout (PRODUCT, every
 * attempt), night 3 search times out once (INFRA) and passes on its retry.
 */
const CONFIG = path.join(REPO, 'test/history/nested/nested.config.ts');
const NIGHTS: Record<string, string>[] = [{}, { CHECKOUT: 'fail' }, { SEARCH: 'flaky' }];
/** Per night: the report step's exit code, and what the summary says. */
const EXPECTED = [
  { exitCode: 0, status: 'passed', failed: [], flaky: [], byCategory: {} },
  {
    exitCode: 1,
    status: 'failed',
    failed: [{ test: 'checkout.journey.ts › check out a cart', project: 'journeys', category: 'PRODUCT' }],
    flaky: [],
    byCategory: { PRODUCT: 1 },
  },
  { exitCode: 0, status: 'passed', failed: [], flaky: ['search.journey.ts › search the catalogue'], byCategory: {} },
];

interface Job {
  exitCode: number;
  output: string;
}

/** `journeys nightly ARGS` as a workflow step runs it, in DIR; the outer run's variables stay out. */
function nightly(dir: string, args: string[], env: Record<string, string>): Promise<Job> {
  const withheld = /^(JOURNEYS_|PW_|PLAYWRIGHT_|TEST_|HISTORY_|CI$)/;
  const clean = Object.fromEntries(Object.entries(process.env).filter(([name]) => !withheld.test(name)));
  mkdirSync(dir, { recursive: true });
  const child = spawn(process.execPath, [path.join(REPO, 'bin/journeys.js'), 'nightly', ...args, '-c', CONFIG], {
    cwd: dir,
    env: { ...clean, HISTORY_JOURNEYS: 'nightly', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ exitCode: code ?? 1, output })));
}

const readJson = (file: string): unknown => JSON.parse(readFileSync(file, 'utf8'));

/**
 * Three nights of two shards and a report. `url`: the PostgreSQL secret; without it, SQLite in each
 * job's reports/history.sqlite, restored from and saved to `cache` as the workflow does.
 */
async function runNights(testInfo: TestInfo, url?: string): Promise<void> {
  const cache = testInfo.outputPath('actions-cache/history.sqlite');
  const restore = (job: string) => {
    if (url || !existsSync(cache)) return;
    mkdirSync(path.join(job, 'reports'), { recursive: true });
    copyFileSync(cache, path.join(job, 'reports/history.sqlite'));
  };
  const env = (night: number) => ({ ...NIGHTS[night - 1], ...(url ? { JOURNEYS_HISTORY_URL: url } : {}) });

  for (const night of [1, 2, 3]) {
    const started = Date.now();
    const shardDirs = [1, 2].map((shard) => testInfo.outputPath(`night${night}/shard${shard}`));
    shardDirs.forEach(restore);
    const shards = await Promise.all(shardDirs.map((dir, i) => nightly(dir, ['shard', `${i + 1}/2`], env(night))));
    // Each shard job is red when a journey of its own failed: on night 2, the one that ran checkout.
    expect(shards.map((s) => s.exitCode).sort(), shards.map((s) => s.output).join('\n')).toEqual(
      night === 2 ? [0, 1] : [0, 0],
    );
    for (const [i, dir] of shardDirs.entries()) {
      const summary = readJson(path.join(dir, `reports/history-summary-${i + 1}of2.json`));
      expect(summary, shards[i]!.output).toMatchObject({
        shard: { current: i + 1, total: 2 },
        recorded: Boolean(url),
        readOnly: !url,
      });
      expect(readdirSync(path.join(dir, 'blob-report')).filter((f) => f.endsWith('.zip'))).toHaveLength(1);
    }

    const reportDir = testInfo.outputPath(`night${night}/report`);
    const blobs = path.join(reportDir, 'all-blob-reports');
    mkdirSync(blobs, { recursive: true });
    for (const dir of shardDirs)
      for (const file of readdirSync(path.join(dir, 'blob-report')))
        copyFileSync(path.join(dir, 'blob-report', file), path.join(blobs, file));
    restore(reportDir);
    const report = await nightly(reportDir, ['report', 'all-blob-reports'], env(night));
    if (!url) {
      mkdirSync(path.dirname(cache), { recursive: true });
      copyFileSync(path.join(reportDir, 'reports/history.sqlite'), cache);
    }
    testInfo.annotations.push({ type: 'night', description: `${night}: ${Date.now() - started} ms` });

    const expected = EXPECTED[night - 1]!;
    expect(report.exitCode, report.output).toBe(expected.exitCode);
    const reports = path.join(reportDir, 'reports');
    for (const file of ['html/index.html', 'junit.xml', 'results.json', 'history/index.html', 'history.txt'])
      expect(existsSync(path.join(reports, file)), file).toBe(true);
    const summary = readJson(path.join(reports, 'summary.json'));
    // Two "stack" setups (one per shard) and four journeys; a journey that failed ran three attempts.
    expect(summary).toEqual({
      status: expected.status,
      stats: expect.objectContaining({
        expected: 6 - expected.failed.length - expected.flaky.length,
        unexpected: expected.failed.length,
        flaky: expected.flaky.length,
        skipped: 0,
      }),
      failed: expected.failed,
      flaky: expected.flaky,
      byCategory: expected.byCategory,
      historySummary: readJson(path.join(reports, 'history-summary.json')),
      problems: [],
    });
    // SQLite: this step recorded the merged run (all shards); PostgreSQL: the shards did, not this step again.
    expect(summary).toMatchObject({
      historySummary: {
        recorded: !url,
        readOnly: Boolean(url),
        status: expected.status,
        counts: { passed: 4 - expected.failed.length - expected.flaky.length, failed: expected.failed.length },
      },
    });
    const history = readJson(path.join(reports, 'history.json')) as { runs: unknown[] };
    expect(history.runs).toHaveLength(url ? 2 * night : night);
    expect(report.output).toContain(`night ${expected.status.toUpperCase()}`);
    expect(readFileSync(path.join(reports, 'history.txt'), 'utf8')).toContain('checkout.journey.ts › check out a cart');
  }
}

test('SQLite: three nights of two read-only shards and a report that records the merged run', async ({}, testInfo) => {
  await runNights(testInfo);
  const store = await openHistoryStore({ url: testInfo.outputPath('actions-cache/history.sqlite'), access: 'read' });
  const runs = await store.recentRuns(10);
  const results = await store.journeyResults({ perJourney: 10 });
  await store.close();
  expect(runs.map((r) => [r.status, r.shard])).toEqual([
    ['passed', undefined],
    ['failed', undefined],
    ['passed', undefined],
  ]);
  const checkout = results.filter((r) => r.journeyId === 'checkout.journey.ts › check out a cart');
  expect(checkout.map((r) => [r.status, r.failureCategory ?? null])).toEqual([
    ['passed', null],
    ['failed', 'PRODUCT'],
    ['passed', null],
  ]);
  expect(results).toHaveLength(12);
});

test.describe('PostgreSQL', () => {
  let stack: PostgresStack;
  test.beforeAll(async () => {
    test.setTimeout(10 * 60_000); // a first build of the offline image
    stack = await startPostgres();
  });
  test.afterAll(() => stack?.down());

  test('three nights of two shards that record, and a report that does not record again', async ({}, testInfo) => {
    const client = new pg.Client({ connectionString: stack.url() });
    await client.connect();
    await client.query('CREATE DATABASE nightly');
    await client.end();
    const url = stack.url('nightly');
    await runNights(testInfo, url);
    const store = await openHistoryStore({ url, access: 'read' });
    const runs = await store.recentRuns(10);
    const results = await store.journeyResults({ perJourney: 10 });
    await store.close();
    expect(runs).toHaveLength(6);
    expect(runs.map((r) => r.shard?.current).sort()).toEqual([1, 1, 1, 2, 2, 2]);
    expect(results).toHaveLength(12);
    expect(results.filter((r) => r.status === 'failed').map((r) => [r.journeyId, r.failureCategory])).toEqual([
      ['checkout.journey.ts › check out a cart', 'PRODUCT'],
    ]);
  });
});
