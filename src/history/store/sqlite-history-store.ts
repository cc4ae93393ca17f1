import { closeSync, existsSync, mkdirSync, openSync, readSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Shape } from '../drift/shape.ts';
import type { RunRecord, StoredJourneyResult, StoredRun } from '../run-record.ts';
import { causeText, HistoryDatabaseError } from './history-database-error.ts';
import type { HistoryAccess, HistoryStore } from './history-store.ts';
import { CURRENT_SCHEMA_VERSION, MIGRATIONS, newerSchemaFix, SCHEMA_VERSION_TABLE } from './migrations.ts';
import { journeyResultFromRow, journeyResultsQuery, runFromRow, shapesFromRows } from './row-mapping.ts';
import { loadSqliteDriver, type SqliteConnection, type SqliteDriver } from './sqlite-driver.ts';

const SQLITE_HEADER = 'SQLite format 3\0';

export interface SqliteHistoryOptions {
  file: string;
  access: HistoryAccess;
  /** How long a write waits for another writer (a concurrent shard) before it gives up as "locked". */
  busyTimeoutMs: number;
}

/**
 * History in one SQLite file (Node's built-in node:sqlite, through sqlite-driver.ts). WAL mode:
 * shards on one machine write at once (each run is one IMMEDIATE transaction; the others wait up to
 * the busy timeout) while readers never block. An existing file is never deleted, recreated or "repaired": a file that is not a
 * SQLite database is refused before SQLite opens it.
 */
export async function openSqliteHistoryStore(
  options: SqliteHistoryOptions,
  loadDriver: () => SqliteDriver = loadSqliteDriver,
): Promise<HistoryStore> {
  const file = path.resolve(options.file);
  const shown = path.relative(process.cwd(), file) || file;
  const description = `SQLite ${shown.startsWith('..') ? file : shown}`;
  const fail = (error: unknown): never => {
    throw sqliteProblem(error, description, file, options.busyTimeoutMs);
  };

  const exists = existsSync(file);
  if (exists) refuseIfNotSqlite(file, description);
  else if (options.access === 'read') {
    throw new HistoryDatabaseError(
      'not-found',
      description,
      'no history recorded yet (the file does not exist)',
      'run the journeys once with the history reporter, or pass --url/JOURNEYS_HISTORY_URL for the database the runs write to',
    );
  }

  let driver: SqliteDriver;
  try {
    driver = loadDriver();
  } catch (error) {
    throw driverMissing(description, error); // before anything is created
  }
  if (!exists) {
    try {
      mkdirSync(path.dirname(file), { recursive: true });
    } catch (error) {
      fail(error);
    }
  }
  let db: SqliteConnection;
  try {
    db = driver.open(file, { busyTimeoutMs: options.busyTimeoutMs });
  } catch (error) {
    return fail(error);
  }
  try {
    // WAL needs a write lock once, when the file is new; after that it is a no-op.
    if (
      options.access === 'write' &&
      (db.prepare('PRAGMA journal_mode').get() as { journal_mode: string }).journal_mode !== 'wal'
    )
      db.exec('PRAGMA journal_mode = WAL');
    migrate(db, description);
  } catch (error) {
    db.close();
    return fail(error);
  }

  const insertRun =
    db.prepare(`INSERT INTO runs (run_id, started_at, ended_at, status, passed_by_quarantine, git_sha, shard_current, shard_total, config_hash, images, infra_failure, fingerprint, coverage)
    VALUES (@runId, @startedAt, @endedAt, @status, @passedByQuarantine, @gitSha, @shardCurrent, @shardTotal, @configHash, @images, @infraFailure, @fingerprint, @coverage)`);
  const insertJourney =
    db.prepare(`INSERT INTO journey_results (run_id, journey_id, project, repeat_index, file, title, status, flaky, retries, duration_ms, failure_category, failure_reason, failure_services, correlation_id, quarantined, quarantine_reason, quarantine_owner, quarantine_until, drift, resources, incident, suspects)
    VALUES (@runId, @journeyId, @project, @repeatIndex, @file, @title, @status, @flaky, @retries, @durationMs, @failureCategory, @failureReason, @failureServices, @correlationId, @quarantined, @quarantineReason, @quarantineOwner, @quarantineUntil, @drift, @resources, @incident, @suspects)`);
  const deleteShapes = db.prepare('DELETE FROM journey_shapes WHERE journey_id = ?');
  const insertShape = db.prepare(
    'INSERT INTO journey_shapes (journey_id, channel, shape, run_id, recorded_at) VALUES (?, ?, ?, ?, ?)',
  );
  const record = (run: RunRecord) => {
    insertRun.run({
      runId: run.runId,
      startedAt: new Date(run.startedAt).toISOString(),
      endedAt: new Date(run.endedAt).toISOString(),
      status: run.status,
      passedByQuarantine: run.passedByQuarantine ? 1 : 0,
      gitSha: run.gitSha ?? null,
      shardCurrent: run.shard?.current ?? null,
      shardTotal: run.shard?.total ?? null,
      configHash: run.configHash ?? null,
      images: JSON.stringify(run.images),
      infraFailure: run.infraFailure ?? null,
      fingerprint: run.fingerprint ? JSON.stringify(run.fingerprint) : null,
      coverage: run.coverage ? JSON.stringify(run.coverage) : null,
    });
    for (const journey of run.journeys) {
      insertJourney.run({
        runId: run.runId,
        journeyId: journey.journeyId,
        project: journey.project,
        repeatIndex: journey.repeatIndex ?? 0,
        file: journey.file,
        title: journey.title,
        status: journey.status,
        flaky: journey.flaky ? 1 : 0,
        retries: journey.retries,
        durationMs: Math.round(journey.durationMs),
        failureCategory: journey.failureCategory ?? null,
        failureReason: journey.failureReason ?? null,
        failureServices: JSON.stringify(journey.failureServices),
        correlationId: journey.correlationId ?? null,
        quarantined: journey.quarantined ? 1 : 0,
        quarantineReason: journey.quarantineReason ?? null,
        quarantineOwner: journey.quarantineOwner ?? null,
        quarantineUntil: journey.quarantineUntil ?? null,
        drift: JSON.stringify(journey.drift),
        resources: JSON.stringify(journey.resources ?? []),
        incident: journey.incident ? JSON.stringify(journey.incident) : null,
        suspects: JSON.stringify(journey.suspects ?? []),
      });
    }
    // The baseline is the last passing run's shapes, whole: a channel it no longer used goes too.
    for (const { journeyId, shapes } of run.shapes) {
      deleteShapes.run(journeyId);
      for (const [channel, shape] of Object.entries(shapes))
        insertShape.run(journeyId, channel, JSON.stringify(shape), run.runId, new Date(run.endedAt).toISOString());
    }
  };

  return {
    description,
    async recordRun(run) {
      if (options.access !== 'write') throw new Error(`${description} was opened read-only`);
      try {
        db.immediate(() => record(run));
      } catch (error) {
        fail(error);
      }
    },
    async recentRuns(limit): Promise<StoredRun[]> {
      try {
        return db
          .prepare(
            'SELECT * FROM (SELECT * FROM runs ORDER BY started_at DESC, run_id DESC LIMIT ?) ORDER BY started_at ASC, run_id ASC',
          )
          .all(limit)
          .map(runFromRow);
      } catch (error) {
        return fail(error);
      }
    },
    async journeyResults({ perJourney, journeyId }): Promise<StoredJourneyResult[]> {
      try {
        return db
          .prepare(journeyResultsQuery('@journey', '@limit'))
          .all({ journey: journeyId ?? '', limit: perJourney })
          .map(journeyResultFromRow);
      } catch (error) {
        return fail(error);
      }
    },
    async baselineShapes(journeyId): Promise<Record<string, Shape>> {
      try {
        return shapesFromRows(
          db.prepare('SELECT channel, shape FROM journey_shapes WHERE journey_id = ? ORDER BY channel').all(journeyId),
        );
      } catch (error) {
        return fail(error);
      }
    },
    async close() {
      if (db.isOpen) db.close();
    },
  };
}

function migrate(db: SqliteConnection, description: string): void {
  const found = () =>
    (db.prepare('SELECT max(version) AS version FROM schema_version').get() as { version: number | null }).version ?? 0;
  // Read first without a write lock: an up-to-date database (every run but the first) costs no lock,
  // and a newer one is refused before anything is written.
  const hasTable =
    db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'").get() !== undefined;
  const seen = hasTable ? found() : 0;
  if (seen > CURRENT_SCHEMA_VERSION) throw newerSchema(description, seen);
  if (seen === CURRENT_SCHEMA_VERSION) return;
  db.immediate(() => {
    db.exec(SCHEMA_VERSION_TABLE);
    const version = found(); // again, under the lock: another shard may have migrated meanwhile
    if (version > CURRENT_SCHEMA_VERSION) throw newerSchema(description, version);
    for (const migration of MIGRATIONS.filter((m) => m.version > version)) {
      db.exec(migration.sqlite);
      db.prepare('INSERT INTO schema_version (version, description, applied_at) VALUES (?, ?, ?)').run(
        migration.version,
        migration.description,
        new Date().toISOString(),
      );
    }
  });
}

function newerSchema(description: string, found: number): HistoryDatabaseError {
  const { what, fix } = newerSchemaFix(found);
  return new HistoryDatabaseError('newer-schema', description, what, fix);
}

/** A non-empty file without SQLite's header is someone else's file, or a broken one: never open it. */
function refuseIfNotSqlite(file: string, description: string): void {
  const stat = statSync(file);
  if (stat.isDirectory())
    throw new HistoryDatabaseError(
      'invalid-location',
      description,
      'this is a directory',
      'point JOURNEYS_HISTORY_URL at a file inside it, e.g. history.sqlite',
    );
  if (stat.size === 0) return; // an empty file is a valid empty database
  const header = Buffer.alloc(SQLITE_HEADER.length);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, header, 0, header.length, 0);
  } finally {
    closeSync(fd);
  }
  if (header.toString('latin1') !== SQLITE_HEADER)
    throw corrupt(description, file, 'the file is not a SQLite database (its header is wrong)');
}

function corrupt(description: string, file: string, what: string, cause?: unknown): HistoryDatabaseError {
  return new HistoryDatabaseError(
    'corrupt',
    description,
    `${what}; it was left exactly as it is and nothing was recorded`,
    `restore it from a backup or your CI cache, or move it aside to start a new history: mv ${file} ${file}.corrupt`,
    { cause },
  );
}

/** Driver errors by SQLite's result code (sqlite-driver.ts names it: SQLITE_BUSY also for SQLITE_BUSY_SNAPSHOT). */
function sqliteProblem(error: unknown, description: string, file: string, busyTimeoutMs: number): HistoryDatabaseError {
  if (error instanceof HistoryDatabaseError) return error;
  const code = String((error as { code?: unknown }).code ?? '');
  if (/^SQLITE_(BUSY|LOCKED)/.test(code)) {
    return new HistoryDatabaseError(
      'locked',
      description,
      `locked by another process for longer than ${busyTimeoutMs} ms (${causeText(error)}); nothing was recorded`,
      'let the other process finish (another run, or a tool holding it open: sqlite3 shell, DB browser), or give writers longer with JOURNEYS_HISTORY_BUSY_TIMEOUT_MS',
      { cause: error },
    );
  }
  if (/^SQLITE_(NOTADB|CORRUPT)/.test(code))
    return corrupt(description, file, `SQLite says the file is damaged (${causeText(error)})`, error);
  return new HistoryDatabaseError(
    'unwritable',
    description,
    `SQLite failed: ${causeText(error)}`,
    `check that ${path.dirname(file)} exists and is writable by this user, and that the disk is not full`,
    { cause: error },
  );
}

/** node:sqlite is not in this Node (20, or 22 before 22.13 without --experimental-sqlite). */
function driverMissing(description: string, error: unknown): HistoryDatabaseError {
  return new HistoryDatabaseError(
    'driver-missing',
    description,
    `${causeText(error)}; nothing was recorded`,
    'run on Node >= 22.15 (24, the LTS, is recommended), or keep the history in PostgreSQL with JOURNEYS_HISTORY_URL=postgres://…',
    { cause: error },
  );
}
