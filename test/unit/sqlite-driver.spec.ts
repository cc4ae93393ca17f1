import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import type { RunRecord } from '../../src/history/run-record.ts';
import { HistoryDatabaseError } from '../../src/history/store/history-database-error.ts';
import { CURRENT_SCHEMA_VERSION } from '../../src/history/store/migrations.ts';
import {
  fromNodeSqliteError,
  loadSqliteDriver,
  SqliteError,
  SqliteUnavailableError,
} from '../../src/history/store/sqlite-driver.ts';
import { openSqliteHistoryStore } from '../../src/history/store/sqlite-history-store.ts';

/** The SQLite driver seam: node:sqlite's errors by SQLite's name, transactions, and a Node without it. */
const hasNodeSqlite = (() => {
  try {
    return !!loadSqliteDriver(); // through the driver: it quiets Node 22's ExperimentalWarning
  } catch {
    return false;
  }
})();

let dir: string;
test.beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'journeys-sqlite-'));
});
test.afterEach(() => rmSync(dir, { recursive: true, force: true }));

const run = (runId: string): RunRecord => ({
  runId,
  startedAt: '2026-01-01T00:00:00.000Z',
  endedAt: '2026-01-01T00:00:01.000Z',
  status: 'passed',
  passedByQuarantine: false,
  images: {},
  journeys: [],
  shapes: [],
});

test("node:sqlite's errors carry SQLite's primary result code by name; other errors pass as they are", () => {
  const nodeError = (message: string, errcode: number, errstr: string) =>
    Object.assign(new Error(message), { code: 'ERR_SQLITE_ERROR', errcode, errstr });
  const busy = fromNodeSqliteError(nodeError('database is locked', 5, 'database is locked'));
  expect(busy).toBeInstanceOf(SqliteError);
  expect(busy).toMatchObject({ code: 'SQLITE_BUSY', errcode: 5, message: 'database is locked' });
  expect(fromNodeSqliteError(nodeError('database is locked', 517, 'database is locked'))).toMatchObject({
    code: 'SQLITE_BUSY', // SQLITE_BUSY_SNAPSHOT
    errcode: 517,
  });
  expect(fromNodeSqliteError(nodeError('file is not a database', 26, 'file is not a database'))).toMatchObject({
    code: 'SQLITE_NOTADB',
  });
  expect(
    fromNodeSqliteError(nodeError('UNIQUE constraint failed: runs.run_id', 1555, 'constraint failed')),
  ).toMatchObject({ code: 'SQLITE_CONSTRAINT' });
  const closed = Object.assign(new Error('database is not open'), { code: 'ERR_INVALID_STATE' });
  expect(fromNodeSqliteError(closed)).toBe(closed);
});

test('a Node without node:sqlite: a message naming this Node and both fixes, nothing created', async () => {
  expect(() => loadSqliteDriver(() => undefined)).toThrow(SqliteUnavailableError);
  const file = path.join(dir, 'new/history.sqlite');
  const opened = openSqliteHistoryStore({ file, access: 'write', busyTimeoutMs: 100 }, () =>
    loadSqliteDriver(() => undefined),
  );
  await expect(opened).rejects.toThrow(HistoryDatabaseError);
  await expect(opened).rejects.toMatchObject({
    problem: 'driver-missing',
    message: `history database SQLite ${file}: Node ${process.version} has no built-in SQLite (node:sqlite); nothing was recorded. Fix: run on Node >= 22.15 (24, the LTS, is recommended), or keep the history in PostgreSQL with JOURNEYS_HISTORY_URL=postgres://…`,
  });
  expect(existsSync(path.dirname(file))).toBe(false);
});

test.describe('on node:sqlite', () => {
  test.skip(!hasNodeSqlite, `Node ${process.version} has no node:sqlite`);

  test('a failed write rolls back whole, and the next one goes through', async () => {
    const file = path.join(dir, 'history.sqlite');
    const store = await openSqliteHistoryStore({ file, access: 'write', busyTimeoutMs: 100 });
    await store.recordRun(run('r1'));
    // r1 again: the run's row violates the primary key, so nothing of this run may stay.
    await expect(store.recordRun({ ...run('r1'), journeys: [] })).rejects.toMatchObject({
      problem: 'unwritable',
      message: expect.stringContaining('UNIQUE constraint failed: runs.run_id (SQLITE_CONSTRAINT)'),
    });
    await store.recordRun(run('r2'));
    expect((await store.recentRuns(10)).map((r) => r.runId)).toEqual(['r1', 'r2']);
    await store.close();
    await store.close(); // twice is fine
  });

  test('a writer waits the busy timeout for another one, then reports the database locked', async () => {
    const file = path.join(dir, 'history.sqlite');
    const store = await openSqliteHistoryStore({ file, access: 'write', busyTimeoutMs: 300 });
    const other = loadSqliteDriver().open(file, { busyTimeoutMs: 0 });
    other.exec('BEGIN IMMEDIATE');
    const started = Date.now();
    await expect(store.recordRun(run('r1'))).rejects.toMatchObject({
      problem: 'locked',
      message: expect.stringContaining(
        'locked by another process for longer than 300 ms (database is locked (SQLITE_BUSY)); nothing was recorded',
      ),
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(250); // it waited (Node 22.15 ignores DatabaseSync's timeout option)
    other.exec('ROLLBACK');
    await store.recordRun(run('r1'));
    // Readers never wait for a writer (WAL).
    other.exec('BEGIN IMMEDIATE');
    expect((await store.recentRuns(10)).map((r) => r.runId)).toEqual(['r1']);
    other.exec('ROLLBACK');
    other.close();
    await store.close();
  });

  test('WAL mode and the schema version, in a new file', async () => {
    const file = path.join(dir, 'history.sqlite');
    await (await openSqliteHistoryStore({ file, access: 'write', busyTimeoutMs: 100 })).close();
    const db = loadSqliteDriver().open(file, { busyTimeoutMs: 0, readOnly: true });
    expect(db.prepare('PRAGMA journal_mode').get()).toEqual({ journal_mode: 'wal' });
    expect({ ...(db.prepare('SELECT max(version) AS v FROM schema_version').get() as object) }).toEqual({
      v: CURRENT_SCHEMA_VERSION,
    });
    db.close();
  });
});
