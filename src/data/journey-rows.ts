// Which rows of a table without a correlation_id column are the journey's: those holding one of its keys.
import type { CatalogTable } from './table-catalog.ts';

/**
 * Per table, the column(s) whose values select the journey's rows (by its keys), overriding the catalog's
 * guess and a correlation_id column. The table as `[service/]database:[schema.]table`
 * (`'orders:public.orders'`, `'postgres/orders:orders'`: the schema defaults to public); `[]` leaves the
 * table out of snapshots.
 */
export type SnapshotKeyColumns = Readonly<Record<string, string | readonly string[]>>;

/** `"name"`, doubling quotes inside: any column name, safe in SQL. */
export const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`;

/**
 * `SELECT * FROM t WHERE "a"::text = ANY($1::text[]) OR "b"::text = ANY($1::text[])`: the keys are bound as
 * one `text[]` parameter, never written into the SQL. `table` is the catalog's quoted `schema.table`.
 */
export function journeyRowsSql(table: string, columns: readonly string[]): string {
  if (columns.length === 0) throw new Error(`No column selects the journey's rows of ${table}`);
  return `SELECT * FROM ${table} WHERE ${columns.map((c) => `${quoteIdent(c)}::text = ANY($1::text[])`).join(' OR ')}`;
}

/** Does the declaration name `declared` mean this table of this database? */
export function namesTable(
  declared: string,
  database: { label: string; name: string },
  table: Pick<CatalogTable, 'table' | 'schema' | 'name'>,
): boolean {
  const colon = declared.indexOf(':');
  if (colon < 0) return false;
  const [where, what] = [declared.slice(0, colon), declared.slice(colon + 1)];
  if (where !== database.label && where !== database.name) return false;
  return (
    what === table.table ||
    what === `${table.schema}.${table.name}` ||
    (table.schema === 'public' && what === table.name)
  );
}

/** How a snapshot finds a table's journey rows: by correlation id, by keys in these columns, or not at all. */
export type RowSelection = { by: 'correlation' } | { by: 'keys'; columns: readonly string[] } | { by: 'none' };

/** A declaration wins; else correlation_id; else the catalog's key-like columns. */
export function rowSelection(
  table: CatalogTable,
  database: { label: string; name: string },
  declarations: SnapshotKeyColumns,
): { selection: RowSelection; declaredBy?: string } {
  const declaredBy = Object.keys(declarations).find((name) => namesTable(name, database, table));
  if (declaredBy !== undefined) {
    const value = declarations[declaredBy]!;
    const columns = typeof value === 'string' ? [value] : [...value];
    const unknown = columns.filter((c) => !table.columns.includes(c));
    if (unknown.length > 0)
      throw new Error(
        `snapshotKeyColumns["${declaredBy}"] names ${unknown.map((c) => `"${c}"`).join(', ')}, which ${database.label}:${table.table} does not have (its columns: ${table.columns.join(', ')})`,
      );
    return { selection: columns.length > 0 ? { by: 'keys', columns } : { by: 'none' }, declaredBy };
  }
  if (table.correlated) return { selection: { by: 'correlation' } };
  if (table.keyColumns.length > 0) return { selection: { by: 'keys', columns: table.keyColumns } };
  return { selection: { by: 'none' } };
}

/**
 * The keys a second pass looks for: the journey's, then the primary key values of the rows the first pass
 * found, so a row that references one of them is found too (payment_items → the payment found by its
 * order id). Only single-column keys: a composite key's parts (a line number) are no one's id alone.
 */
export function extendedKeys(
  keys: readonly string[],
  found: readonly { key: readonly string[]; rows: readonly Record<string, unknown>[] }[],
): string[] {
  const extended = new Set(keys);
  for (const { key, rows } of found) {
    if (key.length !== 1) continue;
    for (const row of rows) {
      const value = row[key[0]!];
      if (typeof value === 'string' ? value !== '' : typeof value === 'number' || typeof value === 'bigint')
        extended.add(String(value));
    }
  }
  return [...extended];
}
