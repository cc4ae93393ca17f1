/**
 * The history schema, one step per version. Each step runs once, inside the transaction that
 * records its version in `schema_version`; a database whose version is newer than the last step
 * here was written by a newer compose-journeys and is never written to (its tables may mean
 * something this code does not know).
 *
 * Both dialects keep the same tables and columns; PostgreSQL gets its own types (timestamptz,
 * boolean, jsonb) so the tables are pleasant to query by hand.
 */
export interface Migration {
  version: number;
  description: string;
  sqlite: string;
  postgres: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'runs, journey results, drift baselines',
    sqlite: `
      CREATE TABLE runs (
        run_id TEXT PRIMARY KEY,
        started_at TEXT NOT NULL,
        ended_at TEXT NOT NULL,
        status TEXT NOT NULL,
        passed_by_quarantine INTEGER NOT NULL DEFAULT 0,
        git_sha TEXT,
        shard_current INTEGER,
        shard_total INTEGER,
        config_hash TEXT,
        images TEXT NOT NULL DEFAULT '{}',
        infra_failure TEXT
      );
      CREATE INDEX runs_by_start ON runs (started_at);
      CREATE TABLE journey_results (
        run_id TEXT NOT NULL REFERENCES runs (run_id),
        journey_id TEXT NOT NULL,
        project TEXT NOT NULL,
        file TEXT NOT NULL,
        title TEXT NOT NULL,
        status TEXT NOT NULL,
        flaky INTEGER NOT NULL,
        retries INTEGER NOT NULL,
        duration_ms INTEGER NOT NULL,
        failure_category TEXT,
        failure_reason TEXT,
        failure_services TEXT NOT NULL DEFAULT '[]',
        correlation_id TEXT,
        quarantined INTEGER NOT NULL DEFAULT 0,
        quarantine_reason TEXT,
        drift TEXT NOT NULL DEFAULT '[]',
        PRIMARY KEY (run_id, project, journey_id)
      );
      CREATE INDEX journey_results_by_journey ON journey_results (journey_id);
      CREATE TABLE journey_shapes (
        journey_id TEXT NOT NULL,
        channel TEXT NOT NULL,
        shape TEXT NOT NULL,
        run_id TEXT NOT NULL,
        recorded_at TEXT NOT NULL,
        PRIMARY KEY (journey_id, channel)
      );`,
    postgres: `
      CREATE TABLE runs (
        run_id TEXT PRIMARY KEY,
        started_at TIMESTAMPTZ NOT NULL,
        ended_at TIMESTAMPTZ NOT NULL,
        status TEXT NOT NULL,
        passed_by_quarantine BOOLEAN NOT NULL DEFAULT FALSE,
        git_sha TEXT,
        shard_current INTEGER,
        shard_total INTEGER,
        config_hash TEXT,
        images JSONB NOT NULL DEFAULT '{}',
        infra_failure TEXT
      );
      CREATE INDEX runs_by_start ON runs (started_at);
      CREATE TABLE journey_results (
        run_id TEXT NOT NULL REFERENCES runs (run_id),
        journey_id TEXT NOT NULL,
        project TEXT NOT NULL,
        file TEXT NOT NULL,
        title TEXT NOT NULL,
        status TEXT NOT NULL,
        flaky BOOLEAN NOT NULL,
        retries INTEGER NOT NULL,
        duration_ms INTEGER NOT NULL,
        failure_category TEXT,
        failure_reason TEXT,
        failure_services JSONB NOT NULL DEFAULT '[]',
        correlation_id TEXT,
        quarantined BOOLEAN NOT NULL DEFAULT FALSE,
        quarantine_reason TEXT,
        drift JSONB NOT NULL DEFAULT '[]',
        PRIMARY KEY (run_id, project, journey_id)
      );
      CREATE INDEX journey_results_by_journey ON journey_results (journey_id);
      CREATE TABLE journey_shapes (
        journey_id TEXT NOT NULL,
        channel TEXT NOT NULL,
        shape JSONB NOT NULL,
        run_id TEXT NOT NULL,
        recorded_at TIMESTAMPTZ NOT NULL,
        PRIMARY KEY (journey_id, channel)
      );`,
  },
  {
    version: 2,
    description: "each journey's peak memory and CPU time per service",
    sqlite: `ALTER TABLE journey_results ADD COLUMN resources TEXT NOT NULL DEFAULT '[]';`,
    postgres: `ALTER TABLE journey_results ADD COLUMN resources JSONB NOT NULL DEFAULT '[]';`,
  },
  {
    version: 3,
    description: "each run's fingerprint; each journey's incident and suspects",
    sqlite: `
      ALTER TABLE runs ADD COLUMN fingerprint TEXT;
      ALTER TABLE journey_results ADD COLUMN incident TEXT;
      ALTER TABLE journey_results ADD COLUMN suspects TEXT NOT NULL DEFAULT '[]';`,
    postgres: `
      ALTER TABLE runs ADD COLUMN fingerprint JSONB;
      ALTER TABLE journey_results ADD COLUMN incident JSONB;
      ALTER TABLE journey_results ADD COLUMN suspects JSONB NOT NULL DEFAULT '[]';`,
  },
  {
    version: 4,
    description: "each --repeat-each copy its own result; a declared quarantine's owner and expiry",
    // SQLite cannot change a primary key in place: a new table, the rows copied (every earlier row
    // is copy 0), the old one dropped. Nothing references journey_results, so the drop is safe.
    sqlite: `
      CREATE TABLE journey_results_v4 (
        run_id TEXT NOT NULL REFERENCES runs (run_id),
        journey_id TEXT NOT NULL,
        project TEXT NOT NULL,
        repeat_index INTEGER NOT NULL DEFAULT 0,
        file TEXT NOT NULL,
        title TEXT NOT NULL,
        status TEXT NOT NULL,
        flaky INTEGER NOT NULL,
        retries INTEGER NOT NULL,
        duration_ms INTEGER NOT NULL,
        failure_category TEXT,
        failure_reason TEXT,
        failure_services TEXT NOT NULL DEFAULT '[]',
        correlation_id TEXT,
        quarantined INTEGER NOT NULL DEFAULT 0,
        quarantine_reason TEXT,
        quarantine_owner TEXT,
        quarantine_until TEXT,
        drift TEXT NOT NULL DEFAULT '[]',
        resources TEXT NOT NULL DEFAULT '[]',
        incident TEXT,
        suspects TEXT NOT NULL DEFAULT '[]',
        PRIMARY KEY (run_id, project, journey_id, repeat_index)
      );
      INSERT INTO journey_results_v4 (run_id, journey_id, project, file, title, status, flaky, retries, duration_ms,
        failure_category, failure_reason, failure_services, correlation_id, quarantined, quarantine_reason, drift,
        resources, incident, suspects)
      SELECT run_id, journey_id, project, file, title, status, flaky, retries, duration_ms,
        failure_category, failure_reason, failure_services, correlation_id, quarantined, quarantine_reason, drift,
        resources, incident, suspects
      FROM journey_results;
      DROP TABLE journey_results;
      ALTER TABLE journey_results_v4 RENAME TO journey_results;
      CREATE INDEX journey_results_by_journey ON journey_results (journey_id);`,
    // quarantine_until stays TEXT (YYYY-MM-DD): pg would turn a DATE into a JS Date at local midnight.
    postgres: `
      ALTER TABLE journey_results ADD COLUMN repeat_index INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE journey_results ADD COLUMN quarantine_owner TEXT;
      ALTER TABLE journey_results ADD COLUMN quarantine_until TEXT;
      ALTER TABLE journey_results DROP CONSTRAINT journey_results_pkey;
      ALTER TABLE journey_results ADD CONSTRAINT journey_results_pkey PRIMARY KEY (run_id, project, journey_id, repeat_index);`,
  },
  {
    version: 5,
    description: "each run's coverage: what its journeys touched, against what the stack has",
    sqlite: `ALTER TABLE runs ADD COLUMN coverage TEXT;`,
    postgres: `ALTER TABLE runs ADD COLUMN coverage JSONB;`,
  },
];

export const CURRENT_SCHEMA_VERSION = MIGRATIONS.at(-1)!.version;

/** The `schema_version` table itself exists before any step: it is how we know which steps ran. */
export const SCHEMA_VERSION_TABLE =
  'CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)';

export function newerSchemaFix(found: number): { what: string; fix: string } {
  return {
    what: `its schema is version ${found}, written by a newer compose-journeys (this one knows up to version ${CURRENT_SCHEMA_VERSION}); nothing was read or written`,
    fix: `upgrade compose-journeys to the version that wrote this database (or newer), or point JOURNEYS_HISTORY_URL at another database`,
  };
}
