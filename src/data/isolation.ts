import type { Database } from './databases.ts';
import { deletionOrder, type ForeignKey } from './fk-order.ts';

/**
 * Parallel journeys stay apart by owning their ids (the `correlationId` and `unique` fixtures) and
 * scoping every query by them. A serial suite that needs empty tables opts into a reset instead:
 * `test.describe.configure({ mode: 'serial' }); test.use({ resetDatabases: { databases: ['orders'] } })`.
 */
export interface ResetOptions {
  databases: string[];
  /** `schema.table` or `table` names whose rows stay (reference data); their sequences stay too. */
  keepTables?: string[];
}

export class DirtyDatabaseError extends Error {
  override name = 'DirtyDatabaseError';
  constructor(
    readonly database: string,
    readonly counts: Record<string, number>,
    when: string,
  ) {
    super(
      `Database ${database} is not empty ${when}: ${Object.entries(counts)
        .map(([table, n]) => `${table} (${n} ${n === 1 ? 'row' : 'rows'})`)
        .join(', ')}. ` +
        'An earlier test left rows without a reset, or something writes concurrently: suites with resetDatabases must run serially (test.describe.configure({ mode: "serial" })) on databases no parallel journey uses.',
    );
  }
}

interface Catalog {
  tables: string[];
  foreignKeys: ForeignKey[];
  /** sequence -> the table that owns it (serial / identity), if any */
  sequences: { name: string; owner?: string }[];
}

const USER_SCHEMAS = `n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'`;
const quoteIdent = (qualified: string) =>
  qualified
    .split('.')
    .map((part) => `"${part.replace(/"/g, '""')}"`)
    .join('.');

async function readCatalog(database: Database): Promise<Catalog> {
  const [tables, foreignKeys, sequences] = await Promise.all([
    database.runnerQuery<{ name: string }>(
      `SELECT n.nspname || '.' || c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND ${USER_SCHEMAS} ORDER BY 1`,
    ),
    database.runnerQuery<ForeignKey>(`SELECT cn.nspname || '.' || c.relname AS child, pn.nspname || '.' || p.relname AS parent
      FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace cn ON cn.oid = c.relnamespace
      JOIN pg_class p ON p.oid = k.confrelid JOIN pg_namespace pn ON pn.oid = p.relnamespace WHERE k.contype = 'f'`),
    database.runnerQuery<{
      name: string;
      owner: string | null;
    }>(`SELECT n.nspname || '.' || s.relname AS name, tn.nspname || '.' || t.relname AS owner
      FROM pg_class s JOIN pg_namespace n ON n.oid = s.relnamespace
      LEFT JOIN pg_depend d ON d.objid = s.oid AND d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
      LEFT JOIN pg_class t ON t.oid = d.refobjid LEFT JOIN pg_namespace tn ON tn.oid = t.relnamespace
      WHERE s.relkind = 'S' AND ${USER_SCHEMAS}`),
  ]);
  return {
    tables: tables.map((t) => t.name),
    foreignKeys,
    sequences: sequences.map((s) => (s.owner ? { name: s.name, owner: s.owner } : { name: s.name })),
  };
}

const kept = (table: string, keepTables: readonly string[]) =>
  keepTables.includes(table) || keepTables.includes(table.slice(table.indexOf('.') + 1));

/** Row count per table that is not kept, only tables with rows. */
export async function rowCounts(
  database: Database,
  keepTables: readonly string[] = [],
): Promise<Record<string, number>> {
  const tables = (await readCatalog(database)).tables.filter((t) => !kept(t, keepTables));
  if (tables.length === 0) return {};
  const rows = await database.runnerQuery<{ name: string; n: number }>(
    tables.map((t, i) => `SELECT $${i + 1}::text AS name, count(*) AS n FROM ${quoteIdent(t)}`).join(' UNION ALL '),
    tables,
  );
  return Object.fromEntries(rows.filter((r) => r.n > 0).map((r) => [r.name, r.n]));
}

export async function assertClean(
  database: Database,
  keepTables: readonly string[] = [],
  when = 'before the test',
): Promise<void> {
  const counts = await rowCounts(database, keepTables);
  if (Object.keys(counts).length > 0) throw new DirtyDatabaseError(database.label, counts, when);
}

/**
 * Deletes every row, children before parents (foreign keys read from pg_catalog), and restarts the
 * sequences, in one transaction. DELETE, not TRUNCATE: TRUNCATE takes an ACCESS EXCLUSIVE lock and
 * deadlocks against the services' open transactions; DELETE only waits for the rows it removes.
 */
export async function resetDatabase(
  database: Database,
  keepTables: readonly string[] = [],
): Promise<{ deleted: Record<string, number>; sequences: string[] }> {
  const catalog = await readCatalog(database);
  const order = deletionOrder(
    catalog.tables.filter((t) => !kept(t, keepTables)),
    catalog.foreignKeys,
  );
  const sequences = catalog.sequences.filter((s) => !(s.owner && kept(s.owner, keepTables))).map((s) => s.name);
  return database.transaction(async (client) => {
    const deleted: Record<string, number> = {};
    for (const table of order) deleted[table] = (await client.query(`DELETE FROM ${quoteIdent(table)}`)).rowCount ?? 0;
    for (const sequence of sequences) await client.query(`ALTER SEQUENCE ${quoteIdent(sequence)} RESTART`);
    return { deleted, sequences };
  });
}
