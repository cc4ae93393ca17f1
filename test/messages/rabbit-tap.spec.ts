import net from 'node:net';
import { expect, test } from 'compose-journeys';
import { connectRabbit, RabbitRecorder } from 'compose-journeys/messages';
import { z } from 'zod';
import { EXCHANGE, inventoryReserved, ordersPaid } from '../../journeys/shop/contracts.ts';
import { placeOrder } from '../support/orders.ts';
import { errorOf, probe, uniqueId } from './probe.ts';

// Test events go to the shop's exchange under a routing key no service binds, so nobody acts on them.
const TEST_KEY = 'compose-journeys.test.rabbit-tap';
test.use({ rabbitBindings: [{ exchange: EXCHANGE, pattern: '#' }] });

test('sees what the shop routes for an order, and the services still get it', async ({
  rabbitTap,
  _rabbitConnection,
  api,
  unique,
  traceId,
}) => {
  // A second tap (as another worker would have) on the same exchange: both get copies.
  const other = await RabbitRecorder.start({
    connection: _rabbitConnection,
    bindings: [{ exchange: EXCHANGE, pattern: 'orders.*' }],
    describeServer: 'test',
  });
  try {
    const otherTap = await other.tap();
    const { order } = await placeOrder(api, unique);
    await expect(rabbitTap).toHaveReceived(inventoryReserved, {
      where: (event) => event.orderId === order.id,
      timeout: 10_000,
    });
    const paid = await rabbitTap.next({
      schema: ordersPaid,
      topic: 'orders.paid',
      where: (event) => event.orderId === order.id,
      timeout: 15_000,
    });
    expect(paid.message.headers.traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
    expect(paid.message.exchange).toBe(EXCHANGE);
    expect(
      await otherTap.waitFor(
        (message) => message.topic === 'orders.paid' && message.headers.traceparent?.includes(traceId) === true,
        5_000,
      ),
    ).toBeDefined();
    // notifications consumed orders.paid from its own queue: the taps stole nothing.
    await expect
      .poll(
        async () =>
          (
            await api
              .service('notifications')
              .get('/notifications', { params: { orderId: order.id } })
              .json(z.array(z.unknown()))
          ).length,
        { timeout: 10_000 },
      )
      .toBe(1);
  } finally {
    await other.stop();
  }
});

test('a test sees only messages routed after it started', async ({ _rabbitRecorder, rabbitPublisher }) => {
  const id = uniqueId();
  const earlier = await _rabbitRecorder.tap();
  await rabbitPublisher.publish(EXCHANGE, TEST_KEY, { value: { kind: 'probe', id, seq: 1 } });
  await expect(earlier).toHaveReceived(probe, { where: (value) => value.id === id && value.seq === 1 });
  const later = await _rabbitRecorder.tap();
  await rabbitPublisher.publish(EXCHANGE, TEST_KEY, { value: { kind: 'probe', id, seq: 2 } });
  await expect(later).toHaveReceived(probe, { where: (value) => value.id === id && value.seq === 2 });
  expect(
    later
      .messages()
      .map((message) => message.value as { id?: string; seq?: number })
      .filter((value) => value.id === id),
  ).toEqual([{ kind: 'probe', id, seq: 2 }]);
});

test('matchers: received, not received, duplicates and order, with their failure messages', async ({
  rabbitTap,
  rabbitPublisher,
}) => {
  const id = uniqueId();
  const publish = (seq: number | string, messageId: string) =>
    rabbitPublisher.publish(EXCHANGE, TEST_KEY, {
      value: { kind: 'probe', id, seq },
      options: { messageId, correlationId: `corr-${id}` },
    });
  await publish('x', `${id}-0`);
  await publish(1, `${id}-1`);
  await publish(3, `${id}-3`);
  await publish(2, `${id}-2`);
  const mine = (value: unknown) => (value as { id?: string }).id === id;
  await expect.poll(() => rabbitTap.received({ where: mine }).length).toBe(4);

  const missing = await errorOf(
    expect(rabbitTap).toHaveReceived(probe, { where: (value) => mine(value) && value.seq === 4, timeout: 200 }),
  );
  expect(missing).toContain(`expect(rabbitmq tap [${EXCHANGE} #]).toHaveReceived(schema, { where, timeout: 200 })`);
  // The stack is shared: another worker's orders route shop events through this '#' tap too. They
  // fail the probe schema on every field, so they rank after ours.
  expect(Number(/Received (\d+) messages in this test \(closest first\):/.exec(missing)?.[1])).toBeGreaterThanOrEqual(
    4,
  );
  // Nothing passes `where`; the ones that parse come first, the one with a zod issue after them.
  expect(missing).toMatch(
    new RegExp(
      `  1\\. \\+\\d+ ms ${EXCHANGE}/${TEST_KEY} key=${id}-1 correlation=corr-${id} — where ✗, schema ✓\\n {7}\\{"kind":"probe","id":"${id}","seq":1\\}`,
    ),
  );
  expect(missing).toMatch(
    new RegExp(
      `  4\\. \\+\\d+ ms ${EXCHANGE}/${TEST_KEY} key=${id}-0 correlation=corr-${id} — where ✗, schema ✗ \\(1 issue\\)\\n {7}zod: seq: Invalid input: expected number, received string`,
    ),
  );

  await expect(rabbitTap).not.toHaveReceived(probe, { where: (value) => mine(value) && value.seq === 4, timeout: 200 });
  const present = await errorOf(
    expect(rabbitTap).not.toHaveReceived(probe, { where: (value) => mine(value) && value.seq === 3 }),
  );
  expect(present).toContain('but one arrived:');
  expect(present).toContain(`key=${id}-3 correlation=corr-${id}`);

  await expect(rabbitTap).toHaveNoDuplicates({ schema: probe, where: mine });
  await rabbitPublisher.redeliver(
    (await rabbitTap.next({ schema: probe, where: (value) => mine(value) && value.seq === 1 })).message,
  );
  const duplicate = await errorOf(expect(rabbitTap).toHaveNoDuplicates({ schema: probe, where: mine, timeout: 5_000 }));
  expect(duplicate).toMatch(
    new RegExp(`1 duplicate group by key among messages matching the schema, where .*:\\n  ${id}-1 ×2\\n`),
  );

  const order = await errorOf(
    expect(rabbitTap).toHaveOrderPerKey({
      schema: probe,
      where: mine,
      key: (value) => value.id,
      by: (value) => value.seq,
    }),
  );
  expect(order).toContain(`key ${id}: rank 2 arrived after rank 3; arrival order:`);
  expect(order).toMatch(/rank 1 .*\n {4}rank 3 .*\n {4}rank 2 .*\n {4}rank 1 /);
});

test('management API: inspect and purge a queue, and name a missing one', async ({
  rabbitManagement,
  rabbitPublisher,
  _rabbitConnection,
}) => {
  const queue = `compose-journeys.test.${uniqueId()}`;
  const channel = await _rabbitConnection.createChannel();
  try {
    await channel.assertQueue(queue, { durable: false, autoDelete: false });
    for (const seq of [1, 2, 3]) await rabbitPublisher.publish('', queue, { value: { seq } });
    // Management statistics are refreshed every few seconds: poll.
    await expect.poll(async () => (await rabbitManagement.queue(queue)).messages, { timeout: 15_000 }).toBe(3);
    await rabbitManagement.purge(queue);
    expect((await channel.checkQueue(queue)).messageCount).toBe(0);
    const missing = await errorOf(rabbitManagement.queue(`${queue}-nope`));
    expect(missing).toContain(`No RabbitMQ queue "${queue}-nope" in vhost "/"; queues: `);
    expect(missing).toContain('"notifications.order-outcomes"');
  } finally {
    await channel.deleteQueue(queue).catch(() => {});
    await channel.close().catch(() => {});
  }
});

test('bad input: unknown exchange and unreachable broker fail fast, naming them', async ({
  _rabbitConnection,
  rabbitManagement,
}) => {
  const unknown = await errorOf(
    RabbitRecorder.start({
      connection: _rabbitConnection,
      bindings: [{ exchange: 'shop.nope', pattern: '#' }],
      describeServer: 'RabbitMQ at test',
      listExchanges: () => rabbitManagement.exchanges(),
    }),
  );
  expect(unknown).toContain(
    `RabbitMQ tap: no exchange "shop.nope" on RabbitMQ at test; it has "${EXCHANGE}" (besides amq.*).`,
  );
  expect(unknown).toContain("NOT_FOUND - no exchange 'shop.nope' in vhost '/'");
  // The worker connection survives the failed check (it happened on a throwaway channel).
  const channel = await _rabbitConnection.createChannel();
  await channel.close();

  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  let started = Date.now();
  const refused = await errorOf(connectRabbit(`amqp://shop:secret@127.0.0.1:${port}`));
  expect(refused).toContain(`Cannot connect to RabbitMQ at amqp://shop:[REDACTED]@127.0.0.1:${port}: `);
  expect(refused).toContain('ECONNREFUSED');
  expect(Date.now() - started).toBeLessThan(3_000);

  const silent = net.createServer(() => {});
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  try {
    const silentPort = (silent.address() as net.AddressInfo).port;
    started = Date.now();
    const hung = await errorOf(connectRabbit(`amqp://shop:secret@127.0.0.1:${silentPort}`, 1_000));
    expect(hung).toContain(`Cannot connect to RabbitMQ at amqp://shop:[REDACTED]@127.0.0.1:${silentPort}: `);
    expect(Date.now() - started).toBeLessThan(3_000);
  } finally {
    silent.close();
  }
});

test.describe('narrowed to the journey', () => {
  test.use({ tapScope: 'journey' });

  test("a message carrying only the journey's traceparent (an AMQP header) is the journey's; another trace's is not", async ({
    rabbitTap,
    rabbitPublisher,
    traceId,
  }) => {
    const id = uniqueId();
    const publish = (seq: number, trace: string) =>
      rabbitPublisher.publish(EXCHANGE, TEST_KEY, {
        value: { kind: 'probe', id, seq },
        options: { headers: { traceparent: `00-${trace}-00f067aa0ba902b7-01` } },
      });
    await publish(1, traceId);
    await publish(2, 'cd'.repeat(16));
    await expect(rabbitTap).toHaveReceived(probe, { where: (value) => value.id === id, times: 1 });
    expect(rabbitTap.messages().filter((message) => (message.value as { id?: string }).id === id)).toHaveLength(1);
  });
});
