import type { JsonType, Shape, ShapeType } from './shape.ts';

/**
 * The shape of a JSON value: every field path with its JSON type. Objects give `a.b`, arrays give
 * `items` (array), `items[]` (the elements' type) and `items[].sku`; a root that is not an object
 * is `$`. Elements of one array that disagree give a union (`items[].price`: `number|string`),
 * so one message's shape does not depend on which element came first.
 */
export function shapeOf(value: unknown): Shape {
  const shape: Shape = {};
  if (jsonTypeOf(value) === 'object') visitObject(value as Record<string, unknown>, '', shape);
  else visit(value, '$', shape);
  return sortedShape(shape);
}

/** One channel sees many messages: their shapes together (a field in any of them is in the union). */
export function mergeShapes(...shapes: Shape[]): Shape {
  const merged: Shape = {};
  for (const shape of shapes) for (const [path, type] of Object.entries(shape)) addType(merged, path, type);
  return sortedShape(merged);
}

export function jsonTypeOf(value: unknown): JsonType {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'array';
  switch (typeof value) {
    case 'string':
      return 'string';
    case 'number':
    case 'bigint':
      return 'number';
    case 'boolean':
      return 'boolean';
    default:
      return 'object';
  }
}

function visit(value: unknown, path: string, shape: Shape): void {
  const type = jsonTypeOf(value);
  addType(shape, path, type);
  if (type === 'object') visitObject(value as Record<string, unknown>, path, shape);
  if (type === 'array')
    for (const element of value as unknown[]) visit(element, path === '$' ? '[]' : `${path}[]`, shape);
}

function visitObject(value: Record<string, unknown>, path: string, shape: Shape): void {
  for (const [key, field] of Object.entries(value)) {
    if (field === undefined) continue; // JSON.stringify drops it: not part of what was sent
    visit(field, joinPath(path, key), shape);
  }
}

/** `a.b`; keys that would read as syntax are quoted: `a["x.y"]`. */
function joinPath(parent: string, key: string): string {
  const part = /^[A-Za-z0-9_$-]+$/.test(key) ? key : `[${JSON.stringify(key)}]`;
  if (parent === '') return part;
  return part.startsWith('[') ? `${parent}${part}` : `${parent}.${part}`;
}

function addType(shape: Shape, path: string, type: ShapeType): void {
  const known = shape[path];
  if (known === undefined || known === type) {
    shape[path] = type;
    return;
  }
  const union = [...new Set([...known.split('|'), ...type.split('|')])].sort();
  shape[path] = union.join('|') as ShapeType;
}

function sortedShape(shape: Shape): Shape {
  return Object.fromEntries(Object.entries(shape).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
