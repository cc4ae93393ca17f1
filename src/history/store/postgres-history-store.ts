import pg from 'pg';
import type { Shape } from '../drift/shape.ts';
import type { RunRecord, StoredJourneyResult, StoredRun } from '../run-record.ts';
import { causeText, HistoryDatabaseError } from './history-database-error.ts';
import type { HistoryAccess, HistoryStore } from './history-store.ts';
import { CURRENT_SCHEMA_VERSION, MIGRATIONS, newerSchemaFix, SCHEMA_VERSION_TABLE } from './migrations.ts';
import { journeyResultFromRow, journeyResultsQuery, runFromRow, shapesFromRows } from './row-mapping.ts';

export interface PostgresHistoryOptions {
  url: string;
  access: HistoryAccess;
  /** How long to wait for a connection before saying the database is unreachable. */
  connectTimeoutMs: number;
}

/** One key for every compose-journeys migration, so shards that start together migrate once. */
const MIGRATION_LOCK = 7_265_351_015;

/**
 * History in PostgreSQL (`JOURNEYS_HISTORY_URL=postgres://…`): shards on different machines write
 * to one database, each run in one transaction.
 */
export async function openPostgresHistoryStore(options: PostgresHistoryOptions): Promise<HistoryStore> {
  const description = `PostgreSQL ${redactedUrl(options.url)}`;
  const fail = (error: unknown): never => {
    throw postgresProblem(error, description, options.url);
  };
  const pool = new pg.Pool({
    connectionString: options.url,
    max: 2,
    connectionTimeoutMillis: options.connectTimeoutMs,
    idleTimeoutMillis: 1_000,
  });
  // A server that goes away between queries emits 'error' on the idle client; unhandled, it would end the run.
  pool.on('error', () => undefined);
  try {
    await migrate(pool, description);
  } catch (error) {
    await pool.end().catch(() => undefined);
    return fail(error);
  }

  return {
    description,
    async recordRun(run) {
      if (options.access !== 'write') throw new Error(`${description} was opened read-only`);
      try {
        await inTransaction(pool, (client) => insertRun(client, run));
      } catch (error) {
        fail(error);
      }
    },
    async recentRuns(limit): Promise<StoredRun[]> {
      try {
        const { rows } = await pool.query(
          'SELECT * FROM (SELECT * FROM runs ORDER BY started_at DESC, run_id DESC LIMIT $1) AS newest ORDER BY started_at ASC, run_id ASC',
          [limit],
        );
        return rows.map(runFromRow);
      } catch (error) {
        return fail(error);
      }
    },
    async journeyResults({ perJourney, journeyId }): Promise<StoredJourneyResult[]> {
      try {
        const { rows } = await pool.query(journeyResultsQuery('$1::text', '$2::int'), [journeyId ?? '', perJourney]);
        return rows.map(journeyResultFromRow);
      } catch (error) {
        return fail(error);
      }
    },
    async baselineShapes(journeyId): Promise<Record<string, Shape>> {
      try {
        const { rows } = await pool.query(
          'SELECT channel, shape FROM journey_shapes WHERE journey_id = $1 ORDER BY channel',
          [journeyId],
        );
        return shapesFromRows(rows);
      } catch (error) {
        return fail(error);
      }
    },
    async close() {
      await pool.end().catch(() => undefined);
    },
  };
}

async function migrate(pool: pg.Pool, description: string): Promise<void> {
  await inTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query(SCHEMA_VERSION_TABLE);
    const { rows } = await client.query<{ version: number | null }>(
      'SELECT max(version) AS version FROM schema_version',
    );
    const version = rows[0]?.version ?? 0;
    if (version > CURRENT_SCHEMA_VERSION) {
      const { what, fix } = newerSchemaFix(version);
      throw new HistoryDatabaseError('newer-schema', description, what, fix);
    }
    for (const migration of MIGRATIONS.filter((m) => m.version > version)) {
      await client.query(migration.postgres);
      await client.query('INSERT INTO schema_version (version, description, applied_at) VALUES ($1, $2, $3)', [
        migration.version,
        migration.description,
        new Date().toISOString(),
      ]);
    }
  });
}

async function insertRun(client: pg.PoolClient, run: RunRecord): Promise<void> {
  await client.query(
    `INSERT INTO runs (run_id, started_at, ended_at, status, passed_by_quarantine, git_sha, shard_current, shard_total, config_hash, images, infra_failure, fingerprint, coverage)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
    [
      run.runId,
      run.startedAt,
      run.endedAt,
      run.status,
      run.passedByQuarantine,
      run.gitSha ?? null,
      run.shard?.current ?? null,
      run.shard?.total ?? null,
      run.configHash ?? null,
      JSON.stringify(run.images),
      run.infraFailure ?? null,
      run.fingerprint ? JSON.stringify(run.fingerprint) : null,
      run.coverage ? JSON.stringify(run.coverage) : null,
    ],
  );
  for (const j of run.journeys) {
    await client.query(
      `INSERT INTO journey_results (run_id, journey_id, project, repeat_index, file, title, status, flaky, retries, duration_ms, failure_category, failure_reason, failure_services, correlation_id, quarantined, quarantine_reason, quarantine_owner, quarantine_until, drift, resources, incident, suspects)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22)`,
      [
        run.runId,
        j.journeyId,
        j.project,
        j.repeatIndex ?? 0,
        j.file,
        j.title,
        j.status,
        j.flaky,
        j.retries,
        Math.round(j.durationMs),
        j.failureCategory ?? null,
        j.failureReason ?? null,
        JSON.stringify(j.failureServices),
        j.correlationId ?? null,
        j.quarantined,
        j.quarantineReason ?? null,
        j.quarantineOwner ?? null,
        j.quarantineUntil ?? null,
        JSON.stringify(j.drift),
        JSON.stringify(j.resources ?? []),
        j.incident ? JSON.stringify(j.incident) : null,
        JSON.stringify(j.suspects ?? []),
      ],
    );
  }
  for (const { journeyId, shapes } of run.shapes) {
    await client.query('DELETE FROM journey_shapes WHERE journey_id = $1', [journeyId]);
    for (const [channel, shape] of Object.entries(shapes)) {
      await client.query(
        `INSERT INTO journey_shapes (journey_id, channel, shape, run_id, recorded_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (journey_id, channel) DO UPDATE SET shape = EXCLUDED.shape, run_id = EXCLUDED.run_id, recorded_at = EXCLUDED.recorded_at`,
        [journeyId, channel, JSON.stringify(shape), run.runId, run.endedAt],
      );
    }
  }
}

async function inTransaction(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<void>): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await work(client);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** The URL without its password: it goes into warnings, logs and the trends page. */
export function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
  }
}

function postgresProblem(error: unknown, description: string, url: string): HistoryDatabaseError {
  if (error instanceof HistoryDatabaseError) return error;
  const code = String((error as { code?: unknown }).code ?? '');
  const text = causeText(error);
  let host = 'the server';
  try {
    const parsed = new URL(url);
    host = `${parsed.hostname}:${parsed.port || 5432}`;
  } catch {
    /* the driver's message says what is wrong with the URL */
  }
  if (code === '28P01' || code === '28000' || code === '42501') {
    return new HistoryDatabaseError(
      'refused',
      description,
      `the server refused us (${text}); nothing was recorded`,
      'check the user and password in JOURNEYS_HISTORY_URL, and that the user may create tables in that database',
      { cause: error },
    );
  }
  if (code === '3D000') {
    return new HistoryDatabaseError(
      'not-found',
      description,
      `${text}; nothing was recorded`,
      'create the database first (createdb), or fix its name in JOURNEYS_HISTORY_URL',
      { cause: error },
    );
  }
  if (code === '55P03' || code === '40P01' || code === '57014') {
    return new HistoryDatabaseError(
      'locked',
      description,
      `${text}; nothing was recorded`,
      'look for a session holding locks on the history tables (pg_stat_activity), then run again',
      { cause: error },
    );
  }
  if (
    /^(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH|ECONNRESET)$/.test(code) ||
    /timeout|terminated|connect/i.test(text) ||
    code === ''
  ) {
    return new HistoryDatabaseError(
      'unreachable',
      description,
      `cannot reach ${host} (${text}); nothing was recorded`,
      `check the host and port in JOURNEYS_HISTORY_URL and that the server is up (pg_isready -h ${host.replace(/:(\d+)$/, ' -p $1')})`,
      { cause: error },
    );
  }
  return new HistoryDatabaseError(
    'unwritable',
    description,
    `PostgreSQL failed: ${text}`,
    'see the error above; the history tables may have been changed by hand',
    { cause: error },
  );
}
