import { execFileSync } from 'node:child_process';
import { expect, test } from '@playwright/test';
import { openHistoryStore, readRunStackInfo } from 'compose-journeys/history';
import pg from 'pg';
import { CURRENT_SCHEMA_VERSION, MIGRATIONS } from '../../src/history/store/migrations.ts';
import { writeConcurrently } from './support/concurrent-writers.ts';
import { runNested } from './support/nested-history-run.ts';
import { type PostgresStack, startPostgres } from './support/postgres-stack.ts';

/** The history in PostgreSQL (JOURNEYS_HISTORY_URL=postgres://…), against a real server in a test stack. */
test.describe.configure({ mode: 'serial' });

let stack: PostgresStack;
test.beforeAll(async () => {
  test.setTimeout(10 * 60_000); // a first build of the offline image
  stack = await startPostgres();
});
test.afterAll(() => stack?.down());

async function createDatabase(name: string): Promise<string> {
  const client = new pg.Client({ connectionString: stack.url() });
  await client.connect();
  await client.query(`CREATE DATABASE ${name}`);
  await client.end();
  return stack.url(name);
}

test('four shards record into one PostgreSQL database at once (migrating it together): every result is there', async ({}, testInfo) => {
  const url = await createDatabase('shards');
  const runs = await Promise.all(
    [1, 2, 3, 4].map((shard) =>
      runNested(
        { HISTORY_JOURNEYS: 'shards', HISTORY_OUT: testInfo.outputPath(`shard${shard}`), JOURNEYS_HISTORY_URL: url },
        [`--shard=${shard}/4`],
      ),
    ),
  );
  for (const run of runs) {
    expect(run.exitCode, run.output).toBe(0);
    expect(run.output).not.toContain('warning');
    expect(run.summary()).toMatchObject({
      recorded: true,
      database: expect.stringMatching(/^PostgreSQL postgres:\/\/history:\*\*\*@127\.0\.0\.1:\d+\/shards$/),
      counts: { passed: 25 },
    });
  }
  const store = await openHistoryStore({ url, access: 'read' });
  const stored = await store.recentRuns(10);
  const results = await store.journeyResults({ perJourney: 10 });
  await store.close();
  expect(stored.map((r) => r.runId).sort()).toEqual(runs.map((r) => r.summary().runId).sort());
  expect(stored.map((r) => r.shard?.current).sort()).toEqual([1, 2, 3, 4]);
  expect(results).toHaveLength(100);
  expect(new Set(results.map((r) => r.journeyId)).size).toBe(100);

  // Migrated once, whoever came first.
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const { rows } = await client.query('SELECT version FROM schema_version ORDER BY version');
  await client.end();
  expect(rows).toEqual(MIGRATIONS.map(({ version }) => ({ version })));
});

test('four writers, 40 runs of 30 journeys each, into PostgreSQL at the same instant: nothing lost', async () => {
  const url = await createDatabase('writers');
  await writeConcurrently(url, { writers: 4, runs: 40, journeys: 30 });
  const store = await openHistoryStore({ url, access: 'read' });
  const runs = await store.recentRuns(1_000);
  const results = await store.journeyResults({ perJourney: 1_000 });
  const shapes = await store.baselineShapes('w3.journey.ts › journey 0');
  await store.close();
  expect(runs).toHaveLength(160);
  expect(results).toHaveLength(160 * 30);
  for (const writer of ['w1', 'w2', 'w3', 'w4'])
    expect(results.filter((r) => r.runId.startsWith(`${writer}-`))).toHaveLength(40 * 30);
  expect(shapes).toEqual({ 'kafka run-39': { id: 'string' } });
});

test("stack info from a Compose project's containers: image id per service and a config hash", async () => {
  const info = await readRunStackInfo({ projectName: stack.projectName });
  const container = execFileSync('docker', ['compose', '-p', stack.projectName, 'ps', '-q', 'postgres'], {
    encoding: 'utf8',
  }).trim();
  const image = execFileSync('docker', ['inspect', '--format', '{{.Image}}', container], { encoding: 'utf8' }).trim();
  expect(info).toEqual({ images: { postgres: image }, configHash: expect.stringMatching(/^[0-9a-f]{64}$/) });
  expect(await readRunStackInfo({ projectName: `${stack.projectName}-nothing` })).toBeUndefined();
});

test('a PostgreSQL history of a newer schema version: the run completes, warns, and its rows stay', async ({}, testInfo) => {
  const url = await createDatabase('newer');
  const first = await runNested({
    HISTORY_JOURNEYS: 'three-runs',
    HISTORY_RUN: '1',
    HISTORY_OUT: testInfo.outputPath('first'),
    JOURNEYS_HISTORY_URL: url,
  });
  expect(first.exitCode, first.output).toBe(0);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(
      "INSERT INTO schema_version (version, description, applied_at) VALUES (7, 'from the future', '2030-01-01')",
    );
    const run = await runNested({
      HISTORY_JOURNEYS: 'three-runs',
      HISTORY_RUN: '2',
      HISTORY_OUT: testInfo.outputPath('newer'),
      JOURNEYS_HISTORY_URL: url,
    });
    expect(run.exitCode, run.output).toBe(1);
    expect(run.output).toMatch(
      new RegExp(
        `warning: history database PostgreSQL postgres:\\/\\/history:\\*\\*\\*@127\\.0\\.0\\.1:\\d+\\/newer: its schema is version 7, written by a newer compose-journeys \\(this one knows up to version ${CURRENT_SCHEMA_VERSION}\\); nothing was read or written\\. Fix: upgrade compose-journeys`,
      ),
    );
    const { rows } = await client.query(
      'SELECT (SELECT count(*) FROM runs)::int AS runs, (SELECT count(*) FROM journey_results)::int AS results',
    );
    expect(rows).toEqual([{ runs: 1, results: 3 }]);
  } finally {
    await client.end();
  }
});
