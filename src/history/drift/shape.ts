import { z } from 'zod';

/** The JSON types a field can have. */
export const jsonTypeSchema = z.enum(['string', 'number', 'boolean', 'null', 'object', 'array']);
export type JsonType = z.infer<typeof jsonTypeSchema>;

/**
 * A field's type in a shape: one JSON type, or several joined by `|` in sorted order
 * (`null|number`) when messages of one channel, or elements of one array, disagree.
 */
export type ShapeType = JsonType | `${JsonType}|${string}`;
export const shapeTypeSchema = z
  .string()
  .regex(
    /^(string|number|boolean|null|object|array)(\|(string|number|boolean|null|object|array))*$/,
  ) as unknown as z.ZodType<ShapeType>;

/** Field path (`items[].sku`) → its type. */
export type Shape = Record<string, ShapeType>;
export const shapeSchema = z.record(z.string(), shapeTypeSchema);
