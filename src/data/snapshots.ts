import type { TestInfo } from '@playwright/test';
import type { ApiExchange } from '../http/service-client.ts';
import type { Database, Databases } from './databases.ts';
import { journeyKeys } from './journey-keys.ts';
import {
  extendedKeys,
  journeyRowsSql,
  type RowSelection,
  rowSelection,
  type SnapshotKeyColumns,
} from './journey-rows.ts';
import { diffRows, isEmptyDiff, normalizeRow, type Row, type TableDiff } from './row-diff.ts';
import { type CatalogTable, tableCatalog } from './table-catalog.ts';

/**
 * The rows of one journey, in every database, at one moment: in a table with a correlation_id column
 * the rows holding the journey's correlation id; in any other, the rows holding one of the journey's
 * keys (what its API calls returned) in a key-like column, or in one that `snapshotKeyColumns` names.
 */
export interface Snapshot {
  label: string;
  takenAt: string;
  /** `service/database:schema.table` -> rows */
  tables: Record<string, Row[]>;
  /** The journey's keys when the snapshot was taken, then those its second pass added (found rows' primary keys). */
  keys?: string[];
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

export interface SnapshotterOptions {
  /** Databases a snapshot reads (default: every database of the stack). */
  databases?: readonly string[];
  attach?: TestInfo['attach'];
  /** The journey's API exchanges, read at every `take()` (calls happen during the test): the keys. */
  exchanges?: readonly ApiExchange[];
  keyColumns?: SnapshotKeyColumns;
}

interface PlannedTable {
  name: string;
  database: Database;
  table: CatalogTable;
  selection: RowSelection;
}

const keyOf = (key: string[]) => (row: Row) => JSON.stringify(key.length > 0 ? key.map((k) => row[k]) : row);

// Another worker's scratch database (3D000) or table (42P01), dropped since discovery or since its
// catalog was read (once per worker): nothing of this journey is in it.
const dropped = (error: unknown) =>
  ['3D000', '42P01'].includes((error as { cause?: { code?: string } }).cause?.code ?? '');
const unlessDropped = <T>(read: Promise<T[]>): Promise<T[]> =>
  read.catch((error: unknown) => {
    if (dropped(error)) return [];
    throw error;
  });

export function snapshotter(
  db: Databases,
  correlationId: string,
  options: SnapshotterOptions = {},
): Snapshots & { diffs: SnapshotDiff[] } {
  const declarations = options.keyColumns ?? {};
  const primaryKeys = new Map<string, string[]>();
  const diffs: SnapshotDiff[] = [];

  const plan = async (): Promise<PlannedTable[]> => {
    const databases = (options.databases ?? db.names()).map((name) => db.database(name));
    const declared = new Set<string>();
    const planned = (
      await Promise.all(
        databases.map(async (database) =>
          (
            await unlessDropped(tableCatalog(database))
          ).map((table): PlannedTable => {
            const { selection, declaredBy } = rowSelection(table, database, declarations);
            if (declaredBy !== undefined) declared.add(declaredBy);
            return { name: `${database.label}:${table.table}`, database, table, selection };
          }),
        ),
      )
    ).flat();
    const unmatched = Object.keys(declarations).filter((name) => !declared.has(name));
    if (unmatched.length > 0)
      throw new Error(
        `snapshotKeyColumns names ${unmatched.map((n) => `"${n}"`).join(', ')}: no such table in the databases snapshots read (${databases.map((d) => d.label).join(', ') || 'none'}). Name a table as [service/]database:[schema.]table, e.g. "orders:public.orders".`,
      );
    return planned;
  };

  const byKeys = (tables: readonly PlannedTable[], keys: readonly string[]) =>
    Promise.all(
      tables.map(async (t) => {
        const columns = t.selection.by === 'keys' ? t.selection.columns : [];
        return {
          ...t,
          rows: await unlessDropped(t.database.runnerQuery(journeyRowsSql(t.table.table, columns), [keys])),
        };
      }),
    );

  const take = async (label = 'snapshot'): Promise<Snapshot> => {
    const keys = journeyKeys(options.exchanges ?? []); // read now: the calls so far
    const tables = await plan();
    const keyed = keys.length > 0 ? tables.filter((t) => t.selection.by === 'keys') : []; // no keys, nothing to find
    const [correlated, firstPass] = await Promise.all([
      Promise.all(
        tables
          .filter((t) => t.selection.by === 'correlation')
          .map(async (t) => ({
            ...t,
            rows: await unlessDropped(
              t.database.runnerQuery(`SELECT * FROM ${t.table.table} WHERE correlation_id = $1`, [correlationId]),
            ),
          })),
      ),
      byKeys(keyed, keys),
    ]);
    const secondKeys = extendedKeys(
      keys,
      firstPass.map((t) => ({ key: t.table.key, rows: t.rows })),
    );
    // At most two passes: the rows the journey's keys name, then those that reference them.
    const found = secondKeys.length > keys.length ? await byKeys(keyed, secondKeys) : firstPass;
    const rows = new Map([...correlated, ...found].map((t) => [t.name, t.rows]));
    const snapshot: Snapshot = { label, takenAt: new Date().toISOString(), tables: {}, keys: secondKeys };
    for (const t of tables) {
      const read = rows.get(t.name);
      if (!read) continue;
      primaryKeys.set(t.name, t.table.key);
      snapshot.tables[t.name] = read.map(normalizeRow);
    }
    return snapshot;
  };

  const diff = (before: Snapshot, after: Snapshot, label = `${before.label} → ${after.label}`): SnapshotDiff => {
    const tables: Record<string, TableDiff> = {};
    for (const name of new Set([...Object.keys(before.tables), ...Object.keys(after.tables)])) {
      const tableDiff = diffRows(
        before.tables[name] ?? [],
        after.tables[name] ?? [],
        keyOf(primaryKeys.get(name) ?? []),
      );
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
        await options.attach?.(`snapshot-diff ${label}.json`, {
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
