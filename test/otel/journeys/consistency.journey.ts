// Consistency rules and snapshots on a schema never changed for tests (no correlation column): the
// journey's rows are found by the keys its own API calls returned.
import { defineRule, expect, test } from 'compose-journeys';
import { z } from 'zod';

const order = z.object({ id: z.string().uuid() });

/** Every order has its 'placed' event. Counts the orders it looked at, so "checked nothing" is visible. */
const orderHasPlacedEvent = defineRule({
  name: 'order-has-placed-event',
  description: "every order has a 'placed' event",
  async violations(db, scope) {
    const rows = await db.database('orders').query<{ id: string; events: string[] }>(
      `SELECT o.id, coalesce(array_agg(e.kind) FILTER (WHERE e.kind IS NOT NULL), '{}') AS events
         FROM orders o LEFT JOIN order_events e ON e.order_id = o.id
        WHERE ($1::text[] IS NULL OR o.id::text = ANY($1::text[]))
        GROUP BY o.id`,
      [scope.keys ?? null],
    );
    return {
      checked: rows.length,
      violations: rows
        .filter((row) => !row.events.includes('placed'))
        .map((row) => ({ orderId: row.id, events: row.events })),
    };
  },
});

test('a rule over tables without a correlation column: holds, then fails on a doctored row; snapshots see the rows', async ({
  api,
  consistency,
  db,
  snapshots,
}) => {
  const { result: created, diff } = await snapshots.around('place an order', () =>
    api
      .service('api')
      .post('/orders', { data: { sku: 'doohickey' } })
      .expect(201, order),
  );
  // Found by the id the call returned: the order, and its event through its foreign key.
  expect(Object.keys(diff.tables).sort()).toEqual([
    'postgres/orders:public.order_events',
    'postgres/orders:public.orders',
  ]);
  expect(diff.tables['postgres/orders:public.orders']!.added).toHaveLength(1);

  await consistency.expect(orderHasPlacedEvent);
  const [held] = await consistency.violations(orderHasPlacedEvent);
  expect(held).toMatchObject({ checked: 1, violations: [] });

  // Doctored: the event goes, as a bug that skipped it would leave things.
  await db.database('orders').query('DELETE FROM order_events WHERE order_id = $1', [created.id]);
  const error = await consistency.expect(orderHasPlacedEvent).then(
    () => undefined,
    (e: Error) => e,
  );
  expect(error?.message).toContain('1 of 1 consistency rule violated');
  expect(error?.message).toContain(created.id);
});

test('a rule that finds no rows of the journey says so instead of passing', async ({ consistency }) => {
  // No call returned a key: the rule has nothing of this journey to check.
  const error = await consistency.expect(orderHasPlacedEvent).then(
    () => undefined,
    (e: Error) => e,
  );
  expect(error?.message).toContain('checked no rows');
  expect(error?.message).toContain('order-has-placed-event');
});
