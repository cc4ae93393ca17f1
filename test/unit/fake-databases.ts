// A recording stand-in for the `db` fixture: databases of in-memory tables that answer the catalog
// query and the row queries the snapshots and rules send (`correlation_id = $1`, `"c"::text = ANY($1::text[])`).
import type { Database, Databases } from '../../src/data/databases.ts';
import { CATALOG_SQL } from '../../src/data/table-catalog.ts';

type Row = Record<string, unknown>;

export interface FakeTable {
  name: string;
  schema?: string;
  /** Primary key columns. */
  key: string[];
  columns: string[];
  /** What the catalog calls key-like (the real one decides by type and constraints); default: a one-column key and `id`/`*_id`. */
  keyColumns?: string[];
  rows: Row[];
}

export interface RecordedQuery {
  database: string;
  sql: string;
  params: readonly unknown[];
}

const ident = (name: string) => (/^[a-z_][a-z0-9_]*$/.test(name) ? name : `"${name.replaceAll('"', '""')}"`);
const qualified = (t: FakeTable) => `${ident(t.schema ?? 'public')}.${ident(t.name)}`;

/** `{ orders: [tables] }` → databases `postgres/orders`…, and every query sent to them. */
export function fakeDatabases(databases: Record<string, FakeTable[]>): {
  db: Databases;
  queries: RecordedQuery[];
  /** Databases dropped since: a query fails as Postgres fails it (3D000). */
  dropped: Set<string>;
} {
  const queries: RecordedQuery[] = [];
  const dropped = new Set<string>();
  const handles = new Map(
    Object.entries(databases).map(([name, tables]) => {
      const label = `postgres/${name}`;
      const query = async (sql: string, params: readonly unknown[] = []): Promise<Row[]> => {
        queries.push({ database: label, sql, params });
        if (dropped.has(name))
          throw Object.assign(new Error(`database "${name}" does not exist`), { cause: { code: '3D000' } });
        if (sql === CATALOG_SQL) return tables.map(catalogRow);
        const [, from, where] = /^SELECT \* FROM (\S+) WHERE (.*)$/s.exec(sql) ?? [];
        const table = tables.find((t) => qualified(t) === from);
        if (!table || where === undefined) throw new Error(`fake ${label}: no answer for ${sql}`);
        return table.rows.filter(matcher(where, params)).map((row) => ({ ...row }));
      };
      return [name, { service: 'postgres', name, label, query, runnerQuery: query } as unknown as Database] as const;
    }),
  );
  const db = {
    names: () => [...handles.values()].map((d) => d.label),
    database: (name: string) => {
      const handle = handles.get(name.replace(/^postgres\//, ''));
      if (!handle) throw new Error(`fake: no database ${name}`);
      return handle;
    },
  } as unknown as Databases;
  return { db, queries, dropped };
}

function catalogRow(t: FakeTable): Row {
  return {
    table: qualified(t),
    schema: t.schema ?? 'public',
    name: t.name,
    key: t.key.length > 0 ? t.key : null,
    correlated: t.columns.includes('correlation_id'),
    columns: t.columns,
    key_columns: t.keyColumns ?? t.columns.filter((c) => (t.key.length === 1 && t.key[0] === c) || /^id$|_id$/.test(c)),
  };
}

function matcher(where: string, params: readonly unknown[]): (row: Row) => boolean {
  if (where === 'correlation_id = $1') return (row) => row.correlation_id === params[0];
  const columns = where.split(' OR ').map((condition) => {
    const [, column] = /^"((?:[^"]|"")+)"::text = ANY\(\$1::text\[\]\)$/.exec(condition) ?? [];
    if (column === undefined) throw new Error(`fake: no answer for WHERE ${where}`);
    return column.replaceAll('""', '"');
  });
  const keys = new Set(params[0] as string[]);
  return (row) => columns.some((c) => row[c] !== null && row[c] !== undefined && keys.has(String(row[c])));
}
