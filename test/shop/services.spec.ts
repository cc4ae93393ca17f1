// The shop's own guarantees that journeys rely on, checked against the real stack.
import { randomUUID } from 'node:crypto';
import { expect, test } from 'compose-journeys';
import { kafkaClient, kafkaConnectionOf } from 'compose-journeys/messages';
import { z } from 'zod';
import { ordersPlaced, reservations } from '../../journeys/shop/contracts.ts';

test('inventory reserves once when the same orders.placed arrives twice at the same moment', async ({ stack, api }) => {
  const sku = `sku-${randomUUID().slice(0, 8)}`;
  const inventory = api.service('inventory');
  await inventory.post('/products', { data: { sku, stock: 10 } }).expect(201);
  const orderId = randomUUID();
  const event = ordersPlaced.parse({
    type: 'orders.placed',
    eventId: randomUUID(),
    occurredAt: new Date().toISOString(),
    orderId,
    customerId: 'c-1',
    items: [{ sku, quantity: 3, unitPriceCents: 100 }],
    totalCents: 300,
    cardToken: 'tok_visa',
  });
  const message = { key: orderId, value: JSON.stringify(event) };
  // Both copies in one batch: the consumer handles them back to back, racing on the reservation row.
  const producer = kafkaClient(kafkaConnectionOf(stack.state), 'services-test').producer({
    allowAutoTopicCreation: true,
  });
  await producer.connect();
  await producer.send({ topic: 'orders.placed', messages: [message, message] }).finally(() => producer.disconnect());

  await expect(() => inventory.get('/reservations', { params: { orderId } }).expect(200, reservations)).toEventually(
    (rows) => rows.length > 0,
    { timeout: 15_000 },
  );
  expect(await inventory.get('/reservations', { params: { orderId } }).expect(200, reservations)).toEqual([
    expect.objectContaining({ status: 'RESERVED' }),
  ]);
  expect(
    await inventory.get(`/products/${sku}`).json(z.object({ stock: z.number(), reserved: z.number() })),
  ).toMatchObject({ stock: 7, reserved: 3 });
});

test("the outbox relay publishes every event written with an order, within the order request's trace, and marks it published", async ({
  api,
  db,
  traceId,
}) => {
  const sku = `sku-${randomUUID().slice(0, 8)}`;
  await api
    .service('inventory')
    .post('/products', { data: { sku, stock: 1 } })
    .expect(201);
  const order = await api
    .service('orders')
    .post('/orders', { data: { items: [{ sku, quantity: 1, unitPriceCents: 999 }] } })
    .expect(201, z.object({ id: z.uuid() }));

  // Written in the same transaction as the order: present as soon as the API answered.
  const orders = db.database('orders');
  // (Later events of the order, orders.paid on, join it as the order moves on: only orders.placed is the order's own write.)
  expect(
    await orders.query(
      "SELECT event_type, trace_context->>'traceparent' AS traceparent FROM outbox WHERE order_id = $1 AND event_type = 'orders.placed'",
      [order.id],
    ),
  ).toEqual([{ event_type: 'orders.placed', traceparent: expect.stringMatching(new RegExp(`^00-${traceId}-`)) }]);
  await orders.eventuallyOne(
    z.object({ published_at: z.date() }),
    "SELECT published_at FROM outbox WHERE order_id = $1 AND event_type = 'orders.placed'",
    [order.id],
  );
  // Published means consumed downstream: inventory saw it and reserved.
  await expect(() =>
    api
      .service('inventory')
      .get('/reservations', { params: { orderId: order.id } })
      .expect(200, reservations),
  ).toEventually((rows) => rows.length === 1 && rows[0]!.status === 'RESERVED');
});
