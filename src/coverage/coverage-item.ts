import { z } from 'zod';

/**
 * What a stack offers a journey to exercise, one kind per line of the coverage page: HTTP endpoints
 * (method and path template), Kafka topics, RabbitMQ exchanges (with the routing keys seen) and
 * queues, database tables, WireMock stubs (the provider calls the stack made).
 */
export const COVERAGE_KINDS = ['endpoint', 'topic', 'exchange', 'queue', 'table', 'stub'] as const;
export type CoverageKind = (typeof COVERAGE_KINDS)[number];

export const coverageItemSchema = z.object({
  kind: z.enum(COVERAGE_KINDS),
  /** The Compose service it belongs to (`orders`, `kafka`, `postgres/shop` for a table's database). */
  service: z.string(),
  /** `POST /orders/:id/refund`, `orders.placed`, `shop.events`, `public.orders`. */
  name: z.string(),
});
export type CoverageItem = z.infer<typeof coverageItemSchema>;

/** What one journey touched: an item, and what it saw of it (statuses of an endpoint, routing keys of an exchange). */
export const touchedItemSchema = coverageItemSchema.extend({ seen: z.array(z.string()) });
export type TouchedItem = z.infer<typeof touchedItemSchema>;

/** The stack's own list, from its catalogs: where each kind came from, and what could not be read. */
export const stackCatalogSchema = z.object({
  items: z.array(coverageItemSchema),
  /** `tables: postgres/shop catalog`, `endpoints: orders /openapi.json`: what the page says it compared with. */
  sources: z.array(z.string()),
  problems: z.array(z.string()),
});
export type StackCatalog = z.infer<typeof stackCatalogSchema>;

/** A run's coverage: every item the stack has or a journey touched, with the journeys that touched it. */
export const runCoverageSchema = z.object({
  items: z.array(
    coverageItemSchema.extend({
      /** In the stack's catalog; false: only seen (no catalog for its kind, or created during the run). */
      known: z.boolean(),
      journeys: z.array(z.string()),
      seen: z.array(z.string()),
    }),
  ),
  sources: z.array(z.string()),
  problems: z.array(z.string()),
});
export type RunCoverage = z.infer<typeof runCoverageSchema>;

export function itemKey(item: CoverageItem): string {
  return `${item.kind} ${item.service} ${item.name}`;
}

/** Attachment names: the catalog (stack setup and teardown), and each journey's touched items. */
export const CATALOG_ATTACHMENT = 'journeys-catalog.json';
export const COVERAGE_ATTACHMENT = 'journeys-coverage.json';
