import type { Shape, ShapeType } from './shape.ts';

export interface ShapeDiff {
  /** In the current shape only: a new field. */
  added: string[];
  /** In the baseline only: a field the producer no longer sends. */
  removed: string[];
  /** In both, with another type. */
  retyped: { path: string; from: ShapeType; to: ShapeType }[];
}

export function diffShapes(baseline: Shape, current: Shape): ShapeDiff {
  const added = Object.keys(current)
    .filter((path) => !(path in baseline))
    .sort();
  const removed = Object.keys(baseline)
    .filter((path) => !(path in current))
    .sort();
  const retyped = Object.keys(current)
    .filter((path) => path in baseline && baseline[path] !== current[path])
    .sort()
    .map((path) => ({ path, from: baseline[path]!, to: current[path]! }));
  return { added, removed, retyped };
}

export function hasDrift(diff: ShapeDiff): boolean {
  return diff.added.length + diff.removed.length + diff.retyped.length > 0;
}

/** One line for a `drift` annotation: `kafka orders.placed: added items[].discount; retyped total number → string`. */
export function describeDrift(channel: string, diff: ShapeDiff): string {
  const parts = [
    diff.added.length ? `added ${diff.added.join(', ')}` : '',
    diff.removed.length ? `removed ${diff.removed.join(', ')}` : '',
    diff.retyped.length ? `retyped ${diff.retyped.map((r) => `${r.path} ${r.from} → ${r.to}`).join(', ')}` : '',
  ].filter(Boolean);
  return `${channel}: ${parts.join('; ')}`;
}
