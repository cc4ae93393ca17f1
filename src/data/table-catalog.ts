import type { Database } from './databases.ts';

/** One ordinary table of a database, as the snapshots need it. */
export interface CatalogTable {
  /** `schema.table`, quoted where needed (`format('%I.%I')`): ready for SQL. */
  table: string;
  schema: string;
  name: string;
  /** Primary key columns (empty without one). */
  key: string[];
  /** Has a correlation_id column: the journey's rows are `WHERE correlation_id = $1`. */
  correlated: boolean;
  columns: string[];
  /**
   * Columns that may hold a journey's key, of types comparable as text: a single-column primary key,
   * foreign key columns, and columns named `id` or ending in `_id`, `Id`, `ID`.
   */
  keyColumns: string[];
}

// The types whose text form is the value an API hands out (a domain counts as its base type):
// uuid, text, varchar, char, smallint, integer, bigint. Not numeric, timestamps or json. A composite
// primary key's parts count only as foreign keys or by name: a line number is no one's id, and a
// journey key `1` would otherwise find every first line.
export const CATALOG_SQL = `
SELECT format('%I.%I', n.nspname, c.relname) AS table,
       n.nspname::text AS schema,
       c.relname::text AS name,
       (SELECT array_agg(a.attname::text ORDER BY a.attnum) FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
        WHERE i.indrelid = c.oid AND i.indisprimary) AS key,
       EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'correlation_id' AND a.attnum > 0 AND NOT a.attisdropped) AS correlated,
       (SELECT array_agg(a.attname::text ORDER BY a.attnum) FROM pg_attribute a
        WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped) AS columns,
       (SELECT array_agg(a.attname::text ORDER BY a.attnum) FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
        WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
          AND (CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END)
              IN ('uuid'::regtype, 'text'::regtype, 'varchar'::regtype, 'bpchar'::regtype, 'int2'::regtype, 'int4'::regtype, 'int8'::regtype)
          AND (a.attname ~ '^id$|_id$|Id$|ID$'
               OR EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conrelid = c.oid AND a.attnum = ANY(k.conkey)
                          AND (k.contype = 'f' OR (k.contype = 'p' AND cardinality(k.conkey) = 1))))) AS key_columns
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND c.relpersistence <> 't'
  AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_'
  AND has_table_privilege(c.oid, 'SELECT')
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
ORDER BY 1`;

interface CatalogRow extends Record<string, unknown> {
  table: string;
  schema: string;
  name: string;
  key: string[] | null;
  correlated: boolean;
  columns: string[] | null;
  key_columns: string[] | null;
}

// Read once per database and worker (a schema does not change under a running suite), as the pool is.
const catalogs = new WeakMap<Database, Promise<CatalogTable[]>>();

/**
 * Every ordinary table the connection may read, outside the system schemas, temporary tables and
 * extensions' own tables (PostGIS's spatial_ref_sys is nobody's journey).
 */
export function tableCatalog(database: Database): Promise<CatalogTable[]> {
  let tables = catalogs.get(database);
  if (!tables) {
    tables = database.runnerQuery<CatalogRow>(CATALOG_SQL).then((rows) =>
      rows.map((r) => ({
        table: r.table,
        schema: r.schema,
        name: r.name,
        key: r.key ?? [],
        correlated: r.correlated,
        columns: r.columns ?? [],
        keyColumns: r.key_columns ?? [],
      })),
    );
    catalogs.set(database, tables);
  }
  return tables;
}
