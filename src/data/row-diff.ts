export type Row = Record<string, unknown>;

export interface RowChange {
  key: string;
  fields: Record<string, { before: unknown; after: unknown }>;
}

export interface TableDiff {
  added: Row[];
  removed: Row[];
  changed: RowChange[];
}

/** Rows as JSON would show them, so a Date and its ISO string compare equal and the diff attaches as is. */
export function normalizeRow(row: Row): Row {
  return JSON.parse(
    JSON.stringify(row, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value)),
  ) as Row;
}

/** Rows added, removed and changed (field by field) between two reads of one table, matched by `keyOf`. */
export function diffRows(before: readonly Row[], after: readonly Row[], keyOf: (row: Row) => string): TableDiff {
  const old = new Map(before.map((row) => [keyOf(row), normalizeRow(row)]));
  const now = new Map(after.map((row) => [keyOf(row), normalizeRow(row)]));
  const diff: TableDiff = { added: [], removed: [], changed: [] };
  for (const [key, row] of now) {
    const previous = old.get(key);
    if (!previous) {
      diff.added.push(row);
      continue;
    }
    const fields: RowChange['fields'] = {};
    for (const field of new Set([...Object.keys(previous), ...Object.keys(row)])) {
      if (JSON.stringify(previous[field]) !== JSON.stringify(row[field]))
        fields[field] = { before: previous[field], after: row[field] };
    }
    if (Object.keys(fields).length > 0) diff.changed.push({ key, fields });
  }
  for (const [key, row] of old) if (!now.has(key)) diff.removed.push(row);
  return diff;
}

export const isEmptyDiff = (diff: TableDiff) => diff.added.length + diff.removed.length + diff.changed.length === 0;
