import type { Shape } from '../drift/shape.ts';
import type { RunRecord, StoredJourneyResult, StoredRun } from '../run-record.ts';

/**
 * Where run history lives: SQLite in a file (default) or PostgreSQL. Both keep the same tables
 * (`store/migrations.ts`) and answer the same questions; every method may throw a
 * HistoryDatabaseError that names the database and the fix.
 */
export interface HistoryStore {
  /** For messages: `SQLite reports/history.sqlite`, `PostgreSQL postgres://ci@db:5432/history` (no password). */
  readonly description: string;
  /** The run and all its journeys in one transaction: a concurrent shard never sees half of it. */
  recordRun(run: RunRecord): Promise<void>;
  /** The newest `limit` runs, oldest first. */
  recentRuns(limit: number): Promise<StoredRun[]>;
  /** Each journey's results in its newest `perJourney` runs (every project and `--repeat-each` copy), oldest first (optionally of one journey). */
  journeyResults(options: { perJourney: number; journeyId?: string }): Promise<StoredJourneyResult[]>;
  /** Channel key → shape, as the journey's last passing run saw it. */
  baselineShapes(journeyId: string): Promise<Record<string, Shape>>;
  close(): Promise<void>;
}

/** Record, or only read (CI shards that must not write a copy someone else saves; `journeys history`). */
export type HistoryAccess = 'write' | 'read';
