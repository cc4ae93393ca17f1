// Host-side check of the offline Kafka image through its published port, with
// kafkajs and brokerAddressSocketFactory. Prints measurements; exits 1 on a
// failed expectation. Usage (see compose.yml):
//   KAFKA_ADDR=127.0.0.1:49153 npx tsx test/stacks/offline-kafka/host-check.ts

import { brokerAddressSocketFactory } from 'compose-journeys/messages';
import { type Consumer, type EachMessagePayload, Kafka, logLevel } from 'kafkajs';

const published = process.env.KAFKA_ADDR;
if (!published?.startsWith('127.0.0.1:'))
  throw new Error('set KAFKA_ADDR=127.0.0.1:PORT (docker compose port kafka 9092)');

const socketFactory = brokerAddressSocketFactory({ 'kafka:9092': published });
const kafka = new Kafka({ clientId: 'host-check', brokers: [published], socketFactory, logLevel: logLevel.NOTHING });
const run = Date.now();
const KEYS = 10;
const COUNT = 100;

function check(ok: boolean, what: string): void {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) process.exitCode = 1;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const ms = (n: number) => `${Math.round(n)} ms`;

/** Starts a group consumer; resolves once it has joined, with the join time. */
async function startConsumer(
  groupId: string,
  topic: string,
  fromBeginning: boolean,
  onMessage: (p: EachMessagePayload) => void,
  sessionTimeout?: number,
): Promise<{ consumer: Consumer; joinMs: number }> {
  const consumer = kafka.consumer({ groupId, sessionTimeout });
  const started = performance.now();
  const joined = new Promise<number>((resolve) =>
    consumer.on(consumer.events.GROUP_JOIN, () => resolve(performance.now() - started)),
  );
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning });
  await consumer.run({ eachMessage: async (p) => onMessage(p) });
  return { consumer, joinMs: await joined };
}

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  for (const end = Date.now() + timeoutMs; Date.now() < end; await sleep(20)) if (condition()) return true;
  return condition();
}

// 0. Unknown advertised addresses fail loudly.
try {
  socketFactory({ host: 'elsewhere', port: 9092, ssl: {}, onConnect: () => {} });
  check(false, 'unknown broker address rejected');
} catch (err) {
  check(/elsewhere:9092.*kafka:9092/.test(String(err)), `unknown broker address rejected: ${(err as Error).message}`);
}

const producer = kafka.producer();
await producer.connect();
const topic = `host-check-${run}`;

// 1. Group consumer first (so latency is measured live), then 100 keyed messages.
const sentAt = new Map<string, number>();
const latencies: number[] = [];
const byKey = new Map<string, number[]>();
const a = await startConsumer(`${topic}-a`, topic, true, ({ message }) => {
  const id = message.value!.toString();
  latencies.push(performance.now() - sentAt.get(id)!);
  const [key, seq] = id.split('/');
  byKey.set(key!, [...(byKey.get(key!) ?? []), Number(seq)]);
});
console.log(`group join (first consumer, new topic): ${ms(a.joinMs)}`);
for (let i = 0; i < COUNT; i++) {
  const key = `k${i % KEYS}`;
  const id = `${key}/${Math.floor(i / KEYS)}`;
  sentAt.set(id, performance.now());
  await producer.send({ topic, messages: [{ key, value: id }] });
}
check(await waitFor(() => latencies.length >= COUNT, 15_000), `consumed ${latencies.length}/${COUNT} via group`);
const inOrder = [...byKey.values()].every((seqs) => seqs.every((s, i) => s === i));
check(byKey.size === KEYS && inOrder, `per-key order kept for ${byKey.size} keys`);
const sorted = [...latencies].sort((x, y) => x - y);
console.log(
  `produce->consume latency (acked send to eachMessage): p50 ${ms(sorted[COUNT / 2]!)}, p95 ${ms(sorted[Math.floor(COUNT * 0.95)]!)}, max ${ms(sorted[COUNT - 1]!)}`,
);

// 1b. Idle latency: one message at a time into an idle consumer (its fetch is waiting), as in the
// shop, where an event arrives now and then. A broker that answers a waiting fetch only at the end of
// max_wait_ms shows up here, not in the burst above.
const IDLE = 20;
const idleLatencies: number[] = [];
for (let i = 0; i < IDLE; i++) {
  await sleep(150);
  const id = `idle/${i}`;
  const before = latencies.length;
  sentAt.set(id, performance.now());
  await producer.send({ topic, messages: [{ key: 'idle', value: id }] });
  await waitFor(() => latencies.length > before, 10_000);
  idleLatencies.push(latencies[latencies.length - 1]!);
}
check(idleLatencies.length === IDLE, `idle: consumed ${idleLatencies.length}/${IDLE} one at a time`);
const idleSorted = [...idleLatencies].sort((x, y) => x - y);
console.log(
  `idle produce->consume latency (one message at a time, 150 ms apart): p50 ${ms(idleSorted[IDLE / 2]!)}, p95 ${ms(idleSorted[Math.floor(IDLE * 0.95)]!)}, max ${ms(idleSorted[IDLE - 1]!)}`,
);

// 2. A second group on the same topic gets its own full copy.
let countB = 0;
const b = await startConsumer(`${topic}-b`, topic, true, () => countB++);
check(
  await waitFor(() => countB >= COUNT + IDLE, 15_000),
  `second group consumed ${countB}/${COUNT + IDLE} (join ${ms(b.joinMs)})`,
);

// 3. Late consumers: fromBeginning false sees only new messages, true sees all.
let lateNew = 0;
let lateAll = 0;
const late1 = await startConsumer(`${topic}-late-new`, topic, false, () => lateNew++);
const late2 = await startConsumer(`${topic}-late-all`, topic, true, () => lateAll++);
await sleep(1000);
check(lateNew === 0, `late consumer fromBeginning=false saw ${lateNew} old messages`);
await producer.send({ topic, messages: [{ key: 'late', value: 'late/0' }] });
sentAt.set('late/0', performance.now());
check(
  await waitFor(() => lateNew === 1 && lateAll === COUNT + IDLE + 1, 10_000),
  `late consumers: fromBeginning=false got ${lateNew} (new only), true got ${lateAll}/${COUNT + IDLE + 1}`,
);

// 4. Rebalance: a second member joins a non-empty group. It waits until the first has rejoined:
// kafkajs hears of the rebalance at its next heartbeat, after its parked fetch (maxWaitTimeInMs,
// 5 s by default). (The mock's own coordinator waited sessionTimeout - 1 s: hence the short one.)
const SESSION_TIMEOUT = 6000;
const r1 = await startConsumer(`${topic}-r`, topic, true, () => {}, SESSION_TIMEOUT);
const r2 = await startConsumer(`${topic}-r`, topic, true, () => {}, SESSION_TIMEOUT);
console.log(`rebalance (second member joins, sessionTimeout ${SESSION_TIMEOUT}): ${ms(r2.joinMs)}`);

for (const c of [a, b, late1, late2, r1, r2]) await c.consumer.disconnect();

// 5. Idempotent and transactional producers (need the controller id fix).
for (const [what, config] of [
  ['idempotent producer', { idempotent: true }],
  ['transaction', { transactionalId: `${topic}-tx`, idempotent: true, maxInFlightRequests: 1 }],
] as const) {
  const p = kafka.producer(config);
  try {
    await p.connect();
    if ('transactionalId' in config) {
      const tx = await p.transaction();
      await tx.send({ topic, messages: [{ key: 'tx', value: 'tx/0' }] });
      await tx.commit();
    } else {
      await p.send({ topic, messages: [{ key: 'idem', value: 'idem/0' }] });
    }
    check(true, what);
  } catch (err) {
    check(false, `${what}: ${(err as Error).message}`);
  } finally {
    await p.disconnect();
  }
}

// 6. Retention: the mock caps each partition's log; push ~6 MiB into one partition.
const retention = `${topic}-retention`;
const payload = Buffer.alloc(512 * 1024, 'x');
for (let i = 0; i < 12; i++) await producer.send({ topic: retention, messages: [{ value: payload, partition: 0 }] });
const admin = kafka.admin();
await admin.connect();
const p0 = (await admin.fetchTopicOffsets(retention)).find((p) => p.partition === 0)!;
console.log(`retention: after 12 x 512 KiB, partition 0 offsets low=${p0.low} high=${p0.high}`);
try {
  await admin.createTopics({ topics: [{ topic: `${topic}-created`, numPartitions: 3 }] });
  console.log('createTopics: succeeded');
} catch (err) {
  console.log(`createTopics: failed: ${(err as Error).message}`);
}
await admin.disconnect();
await producer.disconnect();
