/** A table as `schema.name`, and a foreign key from the referencing (child) to the referenced (parent) table. */
export type ForeignKey = {
  child: string;
  parent: string;
};

/**
 * The order in which rows can be deleted without violating a foreign key: every referencing table
 * before the tables it references. Self-references do not constrain the order (a DELETE of the whole
 * table removes both ends). A cycle between tables has no such order: it is reported by name.
 */
export function deletionOrder(tables: readonly string[], foreignKeys: readonly ForeignKey[]): string[] {
  const known = new Set(tables);
  // parent -> children that must go first
  const children = new Map<string, Set<string>>(tables.map((t) => [t, new Set()]));
  for (const { child, parent } of foreignKeys) {
    if (child === parent || !known.has(child) || !known.has(parent)) continue;
    children.get(parent)!.add(child);
  }
  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (table: string, trail: string[]) => {
    if (state.get(table) === 'done') return;
    if (state.get(table) === 'visiting') {
      const cycle = [...trail.slice(trail.indexOf(table)), table];
      throw new Error(
        `Foreign keys form a cycle (${cycle.join(' -> ')}): no delete order exists. Keep one of these tables (keepTables) or make a constraint DEFERRABLE.`,
      );
    }
    state.set(table, 'visiting');
    for (const child of [...children.get(table)!].sort()) visit(child, [...trail, table]);
    state.set(table, 'done');
    order.push(table);
  };
  for (const table of [...tables].sort()) visit(table, []);
  return order;
}
