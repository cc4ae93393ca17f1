import type { TestInfo } from '@playwright/test';
import type { Database, Databases } from './databases.ts';
import { diffRows, isEmptyDiff, normalizeRow, type Row, type TableDiff } from './row-diff.ts';

/** The rows of one journey (every table with a correlation_id column, in every database) at one moment. */
export interface Snapshot {
  label: string;
  takenAt: string;
  /** `service/database:schema.table` -> rows */
  tables: Record<string, Row[]>;
}

export interface SnapshotDiff {
  label: string;
  /** Only tables that changed. */
  tables: Record<string, TableDiff>;
}

export interface Snapshots {
  take(label?: string): Promise<Snapshot>;
  diff(before: Snapshot, after: Snapshot, label?: string): SnapshotDiff;
  /** Snapshots before and after `step`; the diff is attached when the step throws, and every step's diff when the test fails. */
  around<T>(label: string, step: () => Promise<T>): Promise<{ result: T; diff: SnapshotDiff }>;
}

interface TrackedTable {
  table: string;
  key: string[];
}

// Catalog reads once per database and worker: which tables carry correlation_id, and their primary keys.
const tracked = new WeakMap<Database, Promise<TrackedTable[]>>();
function trackedTables(database: Database): Promise<TrackedTable[]> {
  let tables = tracked.get(database);
  if (!tables) {
    tables = database
      .query<{ table: string; key: string[] | null }>(`
      SELECT format('%I.%I', n.nspname, c.relname) AS table,
             (SELECT array_agg(a.attname::text ORDER BY a.attnum) FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
              WHERE i.indrelid = c.oid AND i.indisprimary) AS key
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_attribute col ON col.attrelid = c.oid AND col.attname = 'correlation_id' AND NOT col.attisdropped
      WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1`)
      .then((rows) => rows.map((r) => ({ table: r.table, key: r.key ?? [] })));
    tracked.set(database, tables);
  }
  return tables;
}

const keyOf = (key: string[]) => (row: Row) => JSON.stringify(key.length > 0 ? key.map((k) => row[k]) : row);

export function snapshotter(
  db: Databases,
  correlationId: string,
  databaseNames?: readonly string[],
  attach?: TestInfo['attach'],
): Snapshots & { diffs: SnapshotDiff[] } {
  const keys = new Map<string, string[]>();
  const diffs: SnapshotDiff[] = [];
  const take = async (label = 'snapshot'): Promise<Snapshot> => {
    const databases = (databaseNames ?? db.names()).map((name) => db.database(name));
    const perTable = await Promise.all(
      databases.map(async (database) => {
        const tables = await trackedTables(database).catch((error: unknown) => {
          // Another worker's scratch database, dropped since discovery: nothing of this journey is in it.
          if ((error as { cause?: { code?: string } }).cause?.code === '3D000') return [];
          throw error;
        });
        return Promise.all(
          tables.map(async ({ table, key }) => {
            const name = `${database.label}:${table}`;
            keys.set(name, key);
            const rows = await database.query(`SELECT * FROM ${table} WHERE correlation_id = $1`, [correlationId]);
            return [name, rows.map(normalizeRow)] as const;
          }),
        );
      }),
    );
    return { label, takenAt: new Date().toISOString(), tables: Object.fromEntries(perTable.flat()) };
  };
  const diff = (before: Snapshot, after: Snapshot, label = `${before.label} → ${after.label}`): SnapshotDiff => {
    const tables: Record<string, TableDiff> = {};
    for (const name of new Set([...Object.keys(before.tables), ...Object.keys(after.tables)])) {
      const tableDiff = diffRows(before.tables[name] ?? [], after.tables[name] ?? [], keyOf(keys.get(name) ?? []));
      if (!isEmptyDiff(tableDiff)) tables[name] = tableDiff;
    }
    return { label, tables };
  };
  return {
    diffs,
    take,
    diff,
    async around(label, step) {
      const before = await take(`before ${label}`);
      let result: Awaited<ReturnType<typeof step>>;
      try {
        result = await step();
      } catch (error) {
        const changes = diff(before, await take(`after ${label} (failed)`), label);
        diffs.push(changes);
        await attach?.(`snapshot-diff ${label}.json`, {
          body: JSON.stringify(changes, null, 2),
          contentType: 'application/json',
        });
        throw error;
      }
      const changes = diff(before, await take(`after ${label}`), label);
      diffs.push(changes);
      return { result, diff: changes };
    },
  };
}
