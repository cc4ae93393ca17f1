// The shop's own guarantees that journeys rely on, checked against the real stack.
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import { test, expect, type StackHandle } from '../../fixtures/index.ts';
import { brokerAddressSocketFactory } from '../../src/clients/kafka-broker-address.ts';
import { newEvent } from '../../compose/shop/services/src/events.ts';

function database(stack: StackHandle, name: string): pg.Client {
  const { host, port } = stack.endpoints.get('postgres', 5432);
  const env = stack.environment('postgres');
  return new pg.Client({ host, port, user: env.POSTGRES_USER!, password: env.POSTGRES_PASSWORD!, database: name });
}

async function produce(stack: StackHandle, topic: string, messages: { key: string; value: string }[]): Promise<void> {
  const { host, port } = stack.endpoints.get('kafka', 9092);
  const kafka = new Kafka({ brokers: [`${host}:${port}`], logLevel: logLevel.NOTHING, socketFactory: brokerAddressSocketFactory({ 'kafka:9092': `${host}:${port}` }) });
  const producer = kafka.producer({ allowAutoTopicCreation: true });
  await producer.connect();
  await producer.send({ topic, messages }).finally(() => producer.disconnect());
}

test('inventory reserves once when the same orders.placed arrives twice at the same moment', async ({ stack, request }) => {
  const sku = `sku-${randomUUID().slice(0, 8)}`;
  const inventory = stack.endpoints.url('inventory', 8080);
  expect((await request.post(`${inventory}/products`, { data: { sku, stock: 10 } })).status()).toBe(201);
  const orderId = randomUUID();
  const event = newEvent('orders.placed', { orderId, correlationId: `test-${orderId}`, customerId: 'c-1', items: [{ sku, quantity: 3, unitPriceCents: 100 }], totalCents: 300, cardToken: 'tok_visa' });
  const message = { key: orderId, value: JSON.stringify(event) };
  // Both copies in one batch: the consumer handles them back to back, racing on the reservation row.
  await produce(stack, 'orders.placed', [message, message]);

  await expect.poll(async () => (await request.get(`${inventory}/reservations?orderId=${orderId}`)).json(), { timeout: 15_000 })
    .toEqual([expect.objectContaining({ status: 'RESERVED' })]);
  const product = await (await request.get(`${inventory}/products/${sku}`)).json();
  expect(product).toMatchObject({ stock: 7, reserved: 3 });
});

test('the outbox relay publishes every event written with an order, and marks it published', async ({ stack, request }) => {
  const sku = `sku-${randomUUID().slice(0, 8)}`;
  expect((await request.post(`${stack.endpoints.url('inventory', 8080)}/products`, { data: { sku, stock: 1 } })).status()).toBe(201);
  const correlationId = `test-${randomUUID()}`;
  const response = await request.post(`${stack.endpoints.url('orders', 8080)}/orders`, {
    data: { customerId: 'c-2', items: [{ sku, quantity: 1, unitPriceCents: 999 }] },
    headers: { 'x-correlation-id': correlationId },
  });
  expect(response.status()).toBe(201);
  const order = await response.json();

  const orders = database(stack, 'orders');
  await orders.connect();
  try {
    // Written in the same transaction as the order: present as soon as the API answered.
    const written = await orders.query('SELECT event_type, correlation_id FROM outbox WHERE order_id = $1', [order.id]);
    expect(written.rows).toEqual([{ event_type: 'orders.placed', correlation_id: correlationId }]);
    await expect.poll(async () => (await orders.query('SELECT published_at FROM outbox WHERE order_id = $1', [order.id])).rows[0].published_at, { timeout: 10_000 }).not.toBeNull();
  } finally {
    await orders.end();
  }
  // Published means consumed downstream: inventory saw it and reserved.
  await expect.poll(async () => (await request.get(`${stack.endpoints.url('inventory', 8080)}/reservations?orderId=${order.id}`)).json(), { timeout: 10_000 })
    .toEqual([expect.objectContaining({ status: 'RESERVED', correlationId })]);
});
