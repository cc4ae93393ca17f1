import { tablesOfSql } from './sql-tables.ts';

/**
 * The tables a journey's own queries read (`db.one`, `many`, the `eventually` forms, consistency
 * rules), per database: what the coverage counts as tables the journey checks. A worker runs one
 * test at a time, so one open collection per process is the running journey's. The runner's own
 * queries (catalogs, resets, snapshots) go through `Database.query` directly and are not counted.
 */
let open: Map<string, Set<string>> | undefined;

export function startTableReads(): Map<string, Set<string>> {
  open = new Map();
  return open;
}

export function stopTableReads(): void {
  open = undefined;
}

export function noteTableRead(database: string, sql: string): void {
  if (!open) return;
  const tables = tablesOfSql(sql).filter((table) => !/^(pg_catalog|information_schema)\.|^[^.]+\.pg_/.test(table));
  if (tables.length === 0) return;
  const known = open.get(database) ?? new Set<string>();
  for (const table of tables) known.add(table);
  open.set(database, known);
}
