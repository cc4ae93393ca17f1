import net from 'node:net';
import { expect, test } from 'compose-journeys';
import { KafkaRecorder, kafkaClient } from 'compose-journeys/messages';
import type { z } from 'zod';
import { ordersPlaced, paymentsCaptured } from '../../journeys/shop/contracts.ts';
import { placeOrder } from '../support/orders.ts';
import { errorOf, probe, uniqueId } from './probe.ts';

// A topic of our own for injected events (the shop's services would act on events injected into theirs).
const TEST_TOPIC = 'compose-journeys.test.kafka-tap';
test.use({ kafkaTopics: ['orders.placed', 'payments.captured', TEST_TOPIC], kafkaCreateMissingTopics: true });

test('sees what the shop emits for an order, alongside the services and a second tap', async ({
  kafkaTap,
  _kafkaConnection,
  api,
  unique,
  traceId,
}) => {
  // Another worker's tap on the same topics: both see every message, and neither takes any from the services.
  const other = await KafkaRecorder.start({ ..._kafkaConnection, topics: ['orders.placed', 'payments.captured'] });
  try {
    const otherTap = await other.tap();
    const { order } = await placeOrder(api, unique);
    await expect(kafkaTap).toHaveReceived(ordersPlaced, {
      where: (event) => event.orderId === order.id,
      timeout: 10_000,
    });
    // payments.captured means inventory and payments consumed their events: the taps took nothing away.
    await expect(kafkaTap).toHaveReceived(paymentsCaptured, {
      where: (event) => event.orderId === order.id,
      timeout: 15_000,
    });
    const placed = await kafkaTap.next({
      schema: ordersPlaced,
      topic: 'orders.placed',
      where: (event) => event.orderId === order.id,
    });
    expect(placed.message.key).toBe(order.id);
    // The shop passes on the journey's trace (OpenTelemetry's kafkajs instrumentation), through its outbox.
    expect(placed.message.headers.traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
    expect(
      await otherTap.waitFor((message) => message.key === order.id && message.topic === 'payments.captured', 5_000),
    ).toBeDefined();
    // Kafka orders messages per partition, not across topics: compare the set, each exactly once.
    expect(
      otherTap
        .messages()
        .filter((message) => message.key === order.id)
        .map((message) => message.topic)
        .sort(),
    ).toEqual(['orders.placed', 'payments.captured']);
  } finally {
    await other.stop();
  }
});

test('a test sees only messages produced after it started', async ({ _kafkaRecorder, kafkaProducer }) => {
  const id = uniqueId();
  const earlier = await _kafkaRecorder.tap();
  await kafkaProducer.send(TEST_TOPIC, { key: id, value: { kind: 'probe', id, seq: 1 } });
  await expect(earlier).toHaveReceived(probe, { where: (value) => value.id === id && value.seq === 1 });
  // A window opened after seq 1 was acknowledged: started after messages flowed, it must not see it.
  const later = await _kafkaRecorder.tap();
  await kafkaProducer.send(TEST_TOPIC, { key: id, value: { kind: 'probe', id, seq: 2 } });
  await expect(later).toHaveReceived(probe, { where: (value) => value.id === id && value.seq === 2 });
  expect(
    later
      .messages()
      .filter((message) => message.key === id)
      .map((message) => (message.value as { seq: number }).seq),
  ).toEqual([2]);
});

test('a recorder is live when it starts: no group join, so a message produced right after is recorded', async ({
  _kafkaConnection,
  kafkaProducer,
}) => {
  const id = uniqueId();
  const started = performance.now();
  const recorder = await KafkaRecorder.start({ ..._kafkaConnection, topics: [TEST_TOPIC] });
  try {
    // A consumer group's first join waits for the broker's initial rebalance delay (3 s here).
    expect(performance.now() - started).toBeLessThan(1_000);
    const tap = await recorder.tap();
    const sent = performance.now();
    await kafkaProducer.send(TEST_TOPIC, { key: id, value: { kind: 'probe', id, seq: 1 } });
    await expect(tap).toHaveReceived(probe, { where: (value) => value.id === id, times: 1, timeout: 1_000 });
    expect(performance.now() - sent).toBeLessThan(1_000 + 1_500); // the 1 s quiet window of `times` included
  } finally {
    await recorder.stop();
  }
});

test('a recorder stops at once, though its fetch is waiting for data', async ({ _kafkaConnection }) => {
  const recorder = await KafkaRecorder.start({ ..._kafkaConnection, topics: [TEST_TOPIC], maxWaitTimeInMs: 10_000 });
  await new Promise((resolve) => setTimeout(resolve, 300)); // its fetch is now parked on the broker
  const started = performance.now();
  await recorder.stop();
  expect(performance.now() - started).toBeLessThan(200);
});

test('offsets windows, for producers on another clock, also start where the test started', async ({
  _kafkaRecorder,
  kafkaProducer,
}) => {
  const id = uniqueId();
  await kafkaProducer.send(TEST_TOPIC, { key: id, value: { kind: 'probe', id, seq: 1 } });
  const window = await _kafkaRecorder.tap('offsets');
  await kafkaProducer.send(TEST_TOPIC, { key: id, value: { kind: 'probe', id, seq: 2 } });
  await expect(window).toHaveReceived(probe, { where: (value) => value.id === id && value.seq === 2 });
  // seq 1 was acknowledged before the window opened; the tap may still have been fetching it then,
  // in which case the offset rule (not the log position) is what keeps it out.
  expect(
    window
      .messages()
      .filter((message) => message.key === id)
      .map((message) => (message.value as { seq: number }).seq),
  ).toEqual([2]);
});

test('a message stamped before the test started is left out, and the failure says why and what to do', async ({
  _kafkaRecorder,
  kafkaProducer,
}) => {
  const id = uniqueId();
  const byTimestamp = await _kafkaRecorder.tap();
  const byOffset = await _kafkaRecorder.tap('offsets');
  // A producer whose clock is a minute behind (or that stamps event time): sent during the test.
  await kafkaProducer.send(TEST_TOPIC, {
    key: id,
    value: { kind: 'probe', id, seq: 1 },
    timestamp: Date.now() - 60_000,
  });
  await expect(byOffset).toHaveReceived(probe, { where: (value) => value.id === id });
  const message = await errorOf(
    expect(byTimestamp).toHaveReceived(probe, { where: (value) => value.id === id, timeout: 300 }),
  );
  expect(message).toContain(
    '1 message matching it arrived during this test but was produced before it started (by its Kafka timestamp), so it is not in its tap:',
  );
  expect(message).toMatch(new RegExp(`key=${id}, timestamp -(59|60)\\d{3} ms from the start`));
  expect(message).toContain("`test.use({ kafkaWindow: 'offsets' })`");
});

test('the broker answers pipelined requests, fire-and-forget produces included', async ({
  _kafkaConnection,
  kafkaTap,
}) => {
  // kafkajs pipelines requests on a connection; an acks=0 produce gets no answer and must not hold the next one.
  const id = uniqueId();
  const producer = kafkaClient(_kafkaConnection, 'pipelining-test').producer({ allowAutoTopicCreation: true });
  const admin = kafkaClient(_kafkaConnection, 'pipelining-test').admin();
  await Promise.all([producer.connect(), admin.connect()]);
  try {
    await producer.send({
      topic: TEST_TOPIC,
      acks: 0,
      messages: [{ key: id, value: JSON.stringify({ kind: 'probe', id, seq: 1 }) }],
    });
    const offsets = await Promise.all(
      ['orders.placed', 'payments.captured', TEST_TOPIC].map((topic) => admin.fetchTopicOffsets(topic)),
    );
    expect(offsets.every((partitions) => partitions.length > 0)).toBe(true);
    await producer.send({
      topic: TEST_TOPIC,
      acks: -1,
      messages: [{ key: id, value: JSON.stringify({ kind: 'probe', id, seq: 2 }) }],
    });
    await expect(kafkaTap).toHaveReceived(probe, { where: (value) => value.id === id && value.seq === 1 });
    await expect(kafkaTap).toHaveReceived(probe, { where: (value) => value.id === id && value.seq === 2 });
  } finally {
    await Promise.allSettled([producer.disconnect(), admin.disconnect()]);
  }
});

test('toHaveReceived fails listing what was received, closest first, with zod issues', async ({
  kafkaTap,
  kafkaProducer,
}) => {
  const id = uniqueId();
  await kafkaProducer.send(TEST_TOPIC, {
    key: id,
    value: { kind: 'probe', id, seq: 'one' },
    headers: { 'correlation-id': `corr-${id}` },
  });
  await kafkaProducer.send(TEST_TOPIC, { key: 'other', value: { kind: 'probe', id: 'someone-else', seq: 1 } });
  await expect(kafkaTap).toHaveReceived({ where: (value) => (value as { id?: string }).id === 'someone-else' });
  const message = await errorOf(
    expect(kafkaTap).toHaveReceived(probe, { where: (value) => value.id === id, timeout: 300 }),
  );
  expect(message).toContain(
    `expect(kafka tap [orders.placed, payments.captured, ${TEST_TOPIC}]).toHaveReceived(schema, { where, timeout: 300 })`,
  );
  expect(message).toContain('no message matching the schema, where value => value.id === id within 300 ms.');
  // The stack is shared: other tests' orders may be listed too, after these two (where ✗ and schema ✗).
  expect(message).toMatch(
    /Received \d+ messages in this test \(closest first\):\n {2}1\. \+\d+ ms compose-journeys\.test\.kafka-tap\[\d+\]@\d+ key=\S+ correlation=corr-\S+ — where ✓, schema ✗ \(1 issue\)\n {7}zod: seq: Invalid input: expected number, received string\n/,
  );
  expect(message).toMatch(
    /\n {2}2\. \+\d+ ms compose-journeys\.test\.kafka-tap\[\d+\]@\d+ key=other — where ✗, schema ✓\n/,
  );
});

test('.not.toHaveReceived passes over a quiet window and fails at once when one arrives', async ({
  kafkaTap,
  kafkaProducer,
}) => {
  const id = uniqueId();
  const started = Date.now();
  await expect(kafkaTap).not.toHaveReceived(probe, { where: (value) => value.id === id, timeout: 300 });
  expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  setTimeout(() => void kafkaProducer.send(TEST_TOPIC, { key: id, value: { kind: 'probe', id, seq: 7 } }), 100);
  const failedAfter = Date.now();
  const message = await errorOf(
    expect(kafkaTap).not.toHaveReceived(probe, { where: (value) => value.id === id, timeout: 10_000 }),
  );
  expect(Date.now() - failedAfter).toBeLessThan(5_000);
  expect(message).toContain('.not.toHaveReceived(schema, { where, timeout: 10000 })');
  expect(message).toContain(
    'Expected no message matching the schema, where value => value.id === id within 10000 ms, but one arrived:',
  );
  expect(message).toContain(`key=${id}`);
  expect(message).toContain(`{"kind":"probe","id":"${id}","seq":7}`);
});

test('toHaveNoDuplicates by key and by payload, with a redelivered message', async ({ kafkaTap, kafkaProducer }) => {
  const id = uniqueId();
  await kafkaProducer.send(TEST_TOPIC, { key: `${id}-a`, value: { kind: 'probe', id, seq: 1 } });
  await kafkaProducer.send(TEST_TOPIC, { key: `${id}-b`, value: { kind: 'probe', id, seq: 2 } });
  const mine = { schema: probe, where: (value: z.output<typeof probe>) => value.id === id };
  await expect(kafkaTap).toHaveReceived(probe, { where: (value) => value.id === id && value.seq === 2 });
  await expect(kafkaTap).toHaveNoDuplicates({ ...mine, by: 'key', timeout: 200 });
  const first = await kafkaTap.next({ ...mine, where: (value) => value.id === id && value.seq === 1 });
  await kafkaProducer.redeliver(first.message);
  const byPayload = await errorOf(expect(kafkaTap).toHaveNoDuplicates({ ...mine, by: 'payload', timeout: 5_000 }));
  expect(byPayload).toContain(
    '1 duplicate group by payload among messages matching the schema, where value => value.id === id:',
  );
  expect(byPayload).toContain(`{"kind":"probe","id":"${id}","seq":1} ×2`);
  const byKey = await errorOf(expect(kafkaTap).toHaveNoDuplicates(mine));
  expect(byKey).toMatch(
    new RegExp(
      `  ${id}-a ×2\\n    \\+\\d+ ms ${TEST_TOPIC.replaceAll('.', '\\.')}\\[\\d+\\]@\\d+ key=${id}-a\\n    \\+\\d+ ms`,
    ),
  );
});

test('toHaveOrderPerKey passes for in-order keys and names the key that is not', async ({
  kafkaTap,
  kafkaProducer,
}) => {
  const id = uniqueId();
  for (const [key, seq] of [
    ['in', 1],
    ['out', 1],
    ['in', 2],
    ['out', 3],
    ['in', 3],
    ['out', 2],
  ] as const) {
    await kafkaProducer.send(TEST_TOPIC, { key: `${id}-${key}`, value: { kind: 'probe', id, seq } });
  }
  await expect
    .poll(() => kafkaTap.received({ schema: probe, topic: TEST_TOPIC, where: (value) => value.id === id }).length)
    .toBe(6);
  // Only the "in" key: in order.
  await expect(kafkaTap).toHaveOrderPerKey({
    schema: probe,
    where: (value, message) => value.id === id && message.key === `${id}-in`,
    by: (value) => value.seq,
  });
  const message = await errorOf(
    expect(kafkaTap).toHaveOrderPerKey({ schema: probe, where: (value) => value.id === id, by: (value) => value.seq }),
  );
  expect(message).toContain(`key ${id}-out: rank 2 arrived after rank 3; arrival order:`);
  expect(message).toMatch(
    new RegExp(`rank 1 .*key=${id}-out\\n    rank 3 .*key=${id}-out\\n    rank 2 .*key=${id}-out`),
  );
  expect(message).not.toContain(`key ${id}-in:`);
});

test('bad input: unknown topic and unreachable broker fail fast, naming them', async ({ _kafkaConnection }) => {
  const missing = `compose-journeys.never-${uniqueId()}`;
  const unknown = await errorOf(KafkaRecorder.start({ ..._kafkaConnection, topics: ['orders.placed', missing] }));
  expect(unknown).toContain(
    `Kafka tap: no topic "${missing}" on Kafka broker kafka:9092 (published at ${_kafkaConnection.bootstrap}); it has `,
  );
  expect(unknown).toContain('"orders.placed"');
  expect(unknown).toContain('kafkaCreateMissingTopics: true');

  // A port nothing listens on, and one that accepts but never answers.
  const closed = await freePort();
  let started = Date.now();
  const refused = await errorOf(
    KafkaRecorder.start({ bootstrap: `127.0.0.1:${closed}`, advertised: ['kafka:9092'], topics: ['orders.placed'] }),
  );
  expect(refused).toContain(`Kafka tap: cannot reach Kafka broker kafka:9092 (published at 127.0.0.1:${closed}): `);
  expect(refused).toContain('ECONNREFUSED');
  expect(Date.now() - started).toBeLessThan(6_000);

  const silent = net.createServer(() => {});
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  try {
    const port = (silent.address() as net.AddressInfo).port;
    started = Date.now();
    const hung = await errorOf(
      KafkaRecorder.start({
        bootstrap: `127.0.0.1:${port}`,
        advertised: ['kafka:9092'],
        topics: ['orders.placed'],
        connectTimeoutMs: 2_000,
      }),
    );
    expect(hung).toContain(`Kafka tap: cannot reach Kafka broker kafka:9092 (published at 127.0.0.1:${port}): `);
    expect(Date.now() - started).toBeLessThan(4_000);
  } finally {
    silent.close();
  }
});

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

test.describe('narrowed to the journey', () => {
  test.use({ tapScope: 'journey' });

  test("a message carrying only the journey's traceparent is the journey's; another trace's is not", async ({
    kafkaTap,
    kafkaProducer,
    traceId,
  }) => {
    const id = uniqueId();
    // As an OpenTelemetry-instrumented producer writes it: no correlation header, no correlation field.
    await kafkaProducer.send(TEST_TOPIC, {
      key: id,
      value: { kind: 'probe', id, seq: 1 },
      headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
    });
    await kafkaProducer.send(TEST_TOPIC, {
      key: id,
      value: { kind: 'probe', id, seq: 2 },
      headers: { traceparent: `00-${'ab'.repeat(16)}-00f067aa0ba902b7-01` },
    });
    await expect(kafkaTap).toHaveReceived(probe, { where: (value) => value.id === id, times: 1 });
    expect(kafkaTap.messages().filter((message) => (message.value as { id?: string }).id === id)).toHaveLength(1);
    expect(kafkaTap.excluded().some((message) => (message.value as { id?: string }).id === id)).toBe(true);
  });
});
