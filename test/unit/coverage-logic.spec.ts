import { expect, test } from '@playwright/test';
import type { StackCatalog } from '../../src/coverage/coverage-item.ts';
import { renderCoveragePage } from '../../src/coverage/coverage-page.ts';
import { journeyCoverage } from '../../src/coverage/journey-coverage.ts';
import { coverageChange, runCoverage } from '../../src/coverage/run-coverage.ts';
import { tablesOfSql } from '../../src/coverage/sql-tables.ts';
import { openapiTemplate } from '../../src/coverage/stack-catalog.ts';
import { stubName } from '../../src/coverage/stub-name.ts';

test('tables of a statement: FROM, JOIN, INTO, UPDATE, DELETE FROM; schemas, quotes, CTEs and strings', () => {
  expect(
    tablesOfSql(`WITH paid AS (SELECT * FROM payments WHERE status = 'from x')
      SELECT o.id FROM orders o JOIN "Order Lines" l ON l.order_id = o.id LEFT JOIN billing.invoices i ON true
      WHERE o.id IN (SELECT order_id FROM paid) -- from comments`),
  ).toEqual(['public.payments', 'public.orders', 'public.Order Lines', 'billing.invoices']);
  expect(tablesOfSql('INSERT INTO outbox (id) VALUES ($1)')).toEqual(['public.outbox']);
  expect(tablesOfSql('UPDATE products SET stock = 1; DELETE FROM reservations')).toEqual([
    'public.products',
    'public.reservations',
  ]);
  expect(tablesOfSql('SELECT 1')).toEqual([]);
});

test('what a journey touched: endpoints with statuses, topics, exchanges with routing keys, stubs, tables', () => {
  const touched = journeyCoverage(
    [
      { kind: 'http', detail: { service: 'orders', method: 'POST', url: 'http://127.0.0.1:1/orders', status: 201 } },
      {
        kind: 'http',
        detail: { service: 'orders', method: 'GET', url: 'http://127.0.0.1:1/orders/42?x=1', status: 200 },
      },
      { kind: 'http', detail: { service: 'orders', method: 'GET', url: 'http://127.0.0.1:1/orders/43', status: 404 } },
      { kind: 'kafka', channel: 'kafka orders.placed', detail: {} },
      { kind: 'amqp', channel: 'amqp shop.events/orders.paid', detail: {} },
      { kind: 'wiremock', detail: { service: 'wiremock', stub: { pattern: 'POST /v1/charges' } } },
      { kind: 'wiremock', detail: { service: 'wiremock' } }, // unmatched: no stub
    ],
    { kafka: ['kafka'], rabbitmq: ['rabbitmq'], postgres: [], wiremock: [] },
    new Map([['postgres/shop', new Set(['public.orders'])]]),
  );
  expect(touched).toEqual([
    { kind: 'endpoint', service: 'orders', name: 'POST /orders', seen: ['201'] },
    { kind: 'endpoint', service: 'orders', name: 'GET /orders/:id', seen: ['200', '404'] },
    { kind: 'topic', service: 'kafka', name: 'orders.placed', seen: [] },
    { kind: 'exchange', service: 'rabbitmq', name: 'shop.events', seen: ['orders.paid'] },
    { kind: 'stub', service: 'wiremock', name: 'POST /v1/charges', seen: ['matched'] },
    { kind: 'table', service: 'postgres/shop', name: 'public.orders', seen: [] },
  ]);
});

test('a run: the catalog against the journeys; a call matches its OpenAPI template; an item only seen is kept, marked', () => {
  const catalog: StackCatalog = {
    items: [
      { kind: 'endpoint', service: 'inventory', name: `GET ${openapiTemplate('/products/{sku}')}` },
      { kind: 'endpoint', service: 'orders', name: 'POST /orders/:id/refund' },
      { kind: 'table', service: 'postgres/shop', name: 'public.outbox' },
    ],
    sources: ['tables: the Postgres catalogs'],
    problems: [],
  };
  const coverage = runCoverage(
    [catalog],
    [
      {
        journeyId: 'a.spec.ts › a',
        touched: [{ kind: 'endpoint', service: 'inventory', name: 'GET /products/sku-1', seen: ['200'] }],
      },
      { journeyId: 'b.spec.ts › b', touched: [{ kind: 'topic', service: 'kafka', name: 'late.topic', seen: [] }] },
    ],
  );
  expect(coverage.items).toEqual([
    {
      kind: 'endpoint',
      service: 'inventory',
      name: 'GET /products/:sku',
      known: true,
      journeys: ['a.spec.ts › a'],
      seen: ['200'],
    },
    { kind: 'endpoint', service: 'orders', name: 'POST /orders/:id/refund', known: true, journeys: [], seen: [] },
    { kind: 'table', service: 'postgres/shop', name: 'public.outbox', known: true, journeys: [], seen: [] },
    { kind: 'topic', service: 'kafka', name: 'late.topic', known: false, journeys: ['b.spec.ts › b'], seen: [] },
  ]);
  const without = runCoverage([catalog], [{ journeyId: 'b.spec.ts › b', touched: [] }]);
  expect(coverageChange(coverage, without)).toEqual({
    gained: [],
    lost: ['endpoint inventory GET /products/:sku', 'topic kafka late.topic'],
  });
  expect(coverageChange(undefined, without)).toEqual({ gained: [], lost: [] });

  const page = renderCoveragePage({
    coverage: without,
    run: { runId: 'r2', startedAt: '2026-12-07T02:00:00.000Z' },
    change: { ...coverageChange(coverage, without), since: { runId: 'r1', startedAt: '2026-12-06T02:00:00.000Z' } },
  });
  expect(page).toContain('<h2>HTTP endpoints: 0 of 2 covered</h2>');
  expect(page).toMatch(/data-item="GET \/products\/:sku">[\s\S]*?not covered/);
  expect(page).toContain('<li><code>endpoint inventory GET /products/:sku</code></li>');
  expect(page).not.toMatch(/<script|https?:\/\//);
});

test('a stub is named by its method and URL pattern, in the catalog and when it served a request', () => {
  expect(stubName({ request: { method: 'POST', urlPath: '/v1/charges' } })).toBe('POST /v1/charges');
  expect(stubName({ request: { urlPattern: '/v1/.*' } })).toBe('ANY /v1/.*');
  expect(stubName({})).toBe('ANY (any url)');
});
