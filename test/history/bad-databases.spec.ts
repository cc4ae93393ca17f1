import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { CURRENT_SCHEMA_VERSION } from '../../src/history/store/migrations.ts';
import { loadSqliteDriver, type SqliteConnection } from '../../src/history/store/sqlite-driver.ts';
import { type NestedRun, REPO, runNested } from './support/nested-history-run.ts';

/**
 * A history database that cannot be used never costs the run: it completes with its own exit code
 * and its normal report, a warning names the database and the fix, and what was recorded stays.
 */
const nested = (testInfo: { outputPath: (name: string) => string }, name: string, vars: Record<string, string>) =>
  runNested({ HISTORY_JOURNEYS: 'three-runs', HISTORY_OUT: testInfo.outputPath(name), ...vars });

/** A database holding one good run, to prove it is still there afterwards. */
async function recordedOnce(testInfo: { outputPath: (name: string) => string }): Promise<string> {
  const db = testInfo.outputPath('history.sqlite');
  const first = await nested(testInfo, 'first', { HISTORY_RUN: '1', JOURNEYS_HISTORY_URL: db });
  expect(first.exitCode, first.output).toBe(0);
  expect(first.summary().recorded).toBe(true);
  return db;
}

/** node:sqlite, through the store's driver (the one place that knows its types and quiets Node 22's warning). */
const openDatabase = (db: string, readOnly = false): SqliteConnection =>
  loadSqliteDriver().open(db, { busyTimeoutMs: 0, readOnly });

function contents(db: string): { runs: number; results: number; integrity: string } {
  const connection = openDatabase(db, true);
  try {
    return {
      runs: (connection.prepare('SELECT count(*) AS n FROM runs').get() as { n: number }).n,
      results: (connection.prepare('SELECT count(*) AS n FROM journey_results').get() as { n: number }).n,
      integrity: (connection.prepare('PRAGMA integrity_check').get() as { integrity_check: string }).integrity_check,
    };
  } finally {
    connection.close();
  }
}

/** How warnings show a file: relative to the working directory of the run (the repository). */
const shown = (file: string) => path.relative(REPO, file);
const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

/** The run reported its journeys as usual (the JSON report), whatever the history did. */
function reportedNormally(run: NestedRun, secondRun: boolean): void {
  const report = run.report();
  expect([...report.keys()].sort()).toEqual([
    'always passes',
    'fails on the second run only',
    'flaky: fails first, passes on retry',
    'start the stack',
  ]);
  expect(report.get('fails on the second run only')?.status).toBe(secondRun ? 'failed' : 'passed');
}

test('locked: another process holds an exclusive lock; the run completes, warns, and the recorded run stays', async ({}, testInfo) => {
  const db = await recordedOnce(testInfo);
  const holder = spawn(
    process.execPath,
    ['--disable-warning=ExperimentalWarning', path.join(import.meta.dirname, 'support/hold-exclusive-lock.cjs'), db],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  try {
    await new Promise<void>((resolve, reject) => {
      holder.stdout.once('data', (chunk: Buffer) =>
        chunk.toString().includes('locked') ? resolve() : reject(new Error(chunk.toString())),
      );
      holder.once('exit', (code) => reject(new Error(`the lock holder exited ${code}`)));
    });
    const run = await nested(testInfo, 'locked', {
      HISTORY_RUN: '1',
      JOURNEYS_HISTORY_URL: db,
      JOURNEYS_HISTORY_BUSY_TIMEOUT_MS: '500',
    });
    expect(run.exitCode, run.output).toBe(0);
    reportedNormally(run, false);
    expect(run.output).toContain(
      `[journeys history] warning: history database SQLite ${shown(db)}: locked by another process for longer than 500 ms`,
    );
    expect(run.output).toContain('Fix: let the other process finish');
    expect(run.summary()).toMatchObject({
      recorded: false,
      status: 'passed',
      warnings: [expect.stringContaining('locked by another process')],
    });
  } finally {
    holder.stdin.end();
    await new Promise((resolve) => holder.once('close', resolve));
  }
  expect(contents(db)).toEqual({ runs: 1, results: 3, integrity: 'ok' });
});

test('corrupt: garbage bytes are refused before SQLite opens them, and left byte for byte', async ({}, testInfo) => {
  const db = testInfo.outputPath('history.sqlite');
  writeFileSync(db, Buffer.from('this is not a database, it is garbage '.repeat(200)));
  const before = sha256(db);
  const run = await nested(testInfo, 'garbage', { HISTORY_RUN: '2', JOURNEYS_HISTORY_URL: db });
  expect(run.exitCode, run.output).toBe(1); // the journey that fails on run 2 fails the run, as without history
  reportedNormally(run, true);
  expect(run.output).toContain(
    `warning: history database SQLite ${shown(db)}: the file is not a SQLite database (its header is wrong); it was left exactly as it is and nothing was recorded. Fix: restore it from a backup or your CI cache, or move it aside to start a new history: mv ${db} ${db}.corrupt`,
  );
  expect(sha256(db)).toBe(before);
  expect(existsSync(`${db}-wal`)).toBe(false);
});

test('corrupt: a real history with damaged pages is left as it is', async ({}, testInfo) => {
  const db = await recordedOnce(testInfo);
  // Keep SQLite's header, overwrite the rest of the first page and all of the second (the schema).
  const fd = openSync(db, 'r+');
  writeSync(fd, Buffer.alloc(8_000, 0xa5), 0, 8_000, 100);
  closeSync(fd);
  const before = sha256(db);
  const run = await nested(testInfo, 'damaged', { HISTORY_RUN: '1', JOURNEYS_HISTORY_URL: db });
  expect(run.exitCode, run.output).toBe(0);
  reportedNormally(run, false);
  expect(run.output).toMatch(
    new RegExp(
      `warning: history database SQLite ${shown(db).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: SQLite says the file is damaged \\(.*\\); it was left exactly as it is and nothing was recorded\\. Fix: restore it`,
    ),
  );
  expect(sha256(db)).toBe(before);
});

test('newer schema: a database written by a newer compose-journeys is neither read nor written', async ({}, testInfo) => {
  const db = await recordedOnce(testInfo);
  const connection = openDatabase(db);
  connection
    .prepare(
      "INSERT INTO schema_version (version, description, applied_at) VALUES (99, 'from the future', '2030-01-01')",
    )
    .run();
  connection.close();
  const run = await nested(testInfo, 'newer', { HISTORY_RUN: '2', JOURNEYS_HISTORY_URL: db });
  expect(run.exitCode, run.output).toBe(1);
  reportedNormally(run, true);
  expect(run.output).toContain(
    `warning: history database SQLite ${shown(db)}: its schema is version 99, written by a newer compose-journeys (this one knows up to version ${CURRENT_SCHEMA_VERSION}); nothing was read or written. Fix: upgrade compose-journeys to the version that wrote this database (or newer), or point JOURNEYS_HISTORY_URL at another database. The run goes on without history.`,
  );
  expect(contents(db)).toEqual({ runs: 1, results: 3, integrity: 'ok' });
});

test('unreachable PostgreSQL: the run completes, the warning names the server (without its password) and the fix', async ({}, testInfo) => {
  const run = await nested(testInfo, 'unreachable', {
    HISTORY_RUN: '1',
    JOURNEYS_HISTORY_URL: 'postgres://history:s3cret@127.0.0.1:1/history',
  });
  expect(run.exitCode, run.output).toBe(0);
  reportedNormally(run, false);
  expect(run.output).toContain(
    'warning: history database PostgreSQL postgres://history:***@127.0.0.1:1/history: cannot reach 127.0.0.1:1 (connect ECONNREFUSED 127.0.0.1:1); nothing was recorded. Fix: check the host and port in JOURNEYS_HISTORY_URL and that the server is up (pg_isready -h 127.0.0.1 -p 1)',
  );
  expect(run.output).not.toContain('s3cret');
  expect(run.summary()).toMatchObject({ recorded: false, status: 'passed' });
  expect(existsSync(path.join(testInfo.outputPath(), 'reports/history.sqlite'))).toBe(false);
});

test('a URL of another database kind is refused by name, not taken for a file path', async ({}, testInfo) => {
  const run = await nested(testInfo, 'mysql', {
    HISTORY_RUN: '1',
    JOURNEYS_HISTORY_URL: 'mysql://history:s3cret@127.0.0.1/history',
  });
  expect(run.exitCode, run.output).toBe(0);
  expect(run.output).toContain(
    'warning: history database mysql://***@127.0.0.1/history: only PostgreSQL URLs and SQLite files are supported. Fix: set JOURNEYS_HISTORY_URL to postgres://',
  );
  expect(run.output).not.toContain('s3cret');
});

test('journeys history on a missing or corrupt database: exit 1 and a message naming the file and the fix', async ({}, testInfo) => {
  const { runHistoryCommand } = await import('compose-journeys/history');
  const missing = testInfo.outputPath('none.sqlite');
  const logs: string[] = [];
  expect(await runHistoryCommand({ url: missing, out: () => undefined, log: (l) => logs.push(l) })).toBe(1);
  expect(logs.join('\n')).toContain(
    `history database SQLite ${shown(missing)}: no history recorded yet (the file does not exist). Fix: run the journeys once with the history reporter`,
  );
  expect(existsSync(missing)).toBe(false); // reading never creates a database

  const garbage = testInfo.outputPath('garbage.sqlite');
  writeFileSync(garbage, 'garbage');
  logs.length = 0;
  expect(await runHistoryCommand({ url: garbage, json: true, out: () => undefined, log: (l) => logs.push(l) })).toBe(1);
  expect(logs.join('\n')).toContain('the file is not a SQLite database');
  expect(readFileSync(garbage, 'utf8')).toBe('garbage');
});
