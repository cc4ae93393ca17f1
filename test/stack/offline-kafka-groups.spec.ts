// Consumer groups on the offline Kafka image (compose/offline/kafka), through its published port with
// kafkajs and from inside the network with librdkafka (kcat): the proxy's group coordinator joins a
// new group in milliseconds (the mock alone waited 3 s), rebalances when members come and go, and
// offsets committed to the mock survive a consumer restart.
import { execFileSync } from 'node:child_process';
import { expect, test } from '@playwright/test';
import { brokerAddressSocketFactory } from 'compose-journeys/messages';
import { defineStack, type StartedStack, startStack } from 'compose-journeys/stack';
import { type Consumer, type ConsumerConfig, Kafka, logLevel, type Producer } from 'kafkajs';
import { stackFile } from '../support/cli.ts';
import { resourceCount, waitFor } from '../support/docker-resources.ts';

const unique = (name: string) => `jt-${name}-${Math.random().toString(36).slice(2, 7)}`;

// Short session and heartbeat so rebalances are quick; kafkajs heartbeats only between fetches, so
// a parked fetch (maxWaitTimeInMs) also bounds how soon a member hears of a rebalance.
const GROUP: Omit<ConsumerConfig, 'groupId'> = { sessionTimeout: 6000, heartbeatInterval: 500, maxWaitTimeInMs: 1000 };

type Assignment = Record<string, number[]>;

/** A kafkajs consumer that records every GROUP_JOIN (time since connect, assignment) and message. */
class TrackedConsumer {
  readonly consumer: Consumer;
  readonly joins: { ms: number; assignment: Assignment }[] = [];
  readonly messages: { partition: number; offset: number; value: string }[] = [];
  #started = 0;

  constructor(kafka: Kafka, config: ConsumerConfig) {
    this.consumer = kafka.consumer(config);
    this.consumer.on(this.consumer.events.GROUP_JOIN, ({ payload }) =>
      this.joins.push({ ms: performance.now() - this.#started, assignment: payload.memberAssignment }),
    );
  }

  async start(topic: string, { autoCommit = true } = {}): Promise<void> {
    this.#started = performance.now();
    await this.consumer.connect();
    await this.consumer.subscribe({ topic, fromBeginning: true });
    await this.consumer.run({
      autoCommit,
      eachMessage: async ({ partition, message }) => {
        this.messages.push({ partition, offset: Number(message.offset), value: message.value!.toString() });
      },
    });
  }

  partitions(topic: string): number[] {
    return [...(this.joins.at(-1)?.assignment[topic] ?? [])].sort();
  }
}

test.describe('offline Kafka consumer groups', () => {
  let stack: StartedStack;
  let kafka: Kafka;
  let producer: Producer;
  const consumers: TrackedConsumer[] = [];

  const consumer = (groupId: string) => {
    const tracked = new TrackedConsumer(kafka, { groupId, ...GROUP });
    consumers.push(tracked);
    return tracked;
  };

  test.beforeAll(async () => {
    test.setTimeout(180_000);
    const definition = await defineStack({
      files: [stackFile('offline-kafka/compose.yml')],
      projectName: unique('offline-kafka'),
    });
    stack = await startStack(definition, { waitTimeoutSeconds: 60 });
    const { host, port } = stack.endpoints.get('kafka', 9092);
    const published = `${host}:${port}`;
    kafka = new Kafka({
      clientId: 'groups-spec',
      brokers: [published],
      socketFactory: brokerAddressSocketFactory({ 'kafka:9092': published }),
      logLevel: logLevel.NOTHING,
    });
    producer = kafka.producer();
    await producer.connect();
  });

  test.afterEach(async () => {
    for (const tracked of consumers.splice(0)) await tracked.consumer.disconnect();
  });

  test.afterAll(async () => {
    await producer?.disconnect();
    if (stack) {
      await stack.stop();
      expect(resourceCount(stack.projectName)).toBe(0);
    }
  });

  test('a consumer in a new group joins in well under a second and gets a message produced after it joined', async () => {
    const topic = unique('first-join');
    const member = consumer(`${topic}-group`);
    await member.start(topic);
    await waitFor(() => member.joins.length > 0, 15_000, 'the first GROUP_JOIN');
    console.log(`first join (connect -> GROUP_JOIN): ${Math.round(member.joins[0]!.ms)} ms`);
    expect(member.joins[0]!.ms).toBeLessThan(1000);
    expect(member.partitions(topic)).toEqual([0, 1, 2, 3]);

    await producer.send({ topic, messages: [{ value: 'after-join' }] });
    await waitFor(() => member.messages.length > 0, 10_000, 'the message produced after the join');
    expect(member.messages.map((m) => m.value)).toEqual(['after-join']);
  });

  test('a second member triggers a rebalance that splits the partitions; when the first leaves, the second gets all 4', async () => {
    const topic = unique('rebalance');
    const group = `${topic}-group`;
    const first = consumer(group);
    await first.start(topic);
    await waitFor(() => first.joins.length === 1, 15_000, 'the first member to join');

    const second = consumer(group);
    await second.start(topic);
    await waitFor(
      () => second.joins.length === 1 && first.joins.length === 2,
      20_000,
      'both members to join the new generation',
    );
    console.log(`rebalance (second member: connect -> GROUP_JOIN): ${Math.round(second.joins[0]!.ms)} ms`);
    expect(first.partitions(topic)).toHaveLength(2);
    expect(second.partitions(topic)).toHaveLength(2);
    expect([...first.partitions(topic), ...second.partitions(topic)].sort()).toEqual([0, 1, 2, 3]);

    const left = performance.now();
    await first.consumer.disconnect();
    await waitFor(() => second.joins.length === 2, 10_000, 'the remaining member to rejoin');
    console.log(`rebalance after the first member left: ${Math.round(performance.now() - left)} ms`);
    expect(second.partitions(topic)).toEqual([0, 1, 2, 3]);

    // Every partition is consumed by the one member left.
    await producer.send({ topic, messages: [0, 1, 2, 3].map((partition) => ({ partition, value: `p${partition}` })) });
    await waitFor(() => second.messages.length === 4, 10_000, 'a message from every partition');
  });

  test('offsets committed in a group survive a consumer restart: no redelivery, it resumes after them', async () => {
    const topic = unique('commit');
    const group = `${topic}-group`;
    const send = (values: string[]) =>
      producer.send({ topic, messages: values.map((value) => ({ partition: 0, value })) });

    const before = consumer(group);
    await before.start(topic, { autoCommit: false });
    await waitFor(() => before.joins.length === 1, 15_000, 'the first consumer to join');
    await send(['m0', 'm1', 'm2']);
    await waitFor(() => before.messages.length === 3, 10_000, 'the first three messages');
    // Committed with this member's id and generation, which only the proxy knows: the mock takes
    // OffsetCommit for a group it never saw join.
    await before.consumer.commitOffsets([{ topic, partition: 0, offset: '3' }]);
    await before.consumer.disconnect();
    consumers.splice(consumers.indexOf(before), 1);

    const admin = kafka.admin();
    await admin.connect();
    const [committed] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
    await admin.disconnect();
    expect(committed!.partitions.find((p) => p.partition === 0)?.offset).toBe('3');

    await send(['m3', 'm4']);
    const after = consumer(group);
    await after.start(topic, { autoCommit: false });
    await waitFor(() => after.messages.length >= 2, 15_000, 'the messages after the committed offset');
    await new Promise((resolve) => setTimeout(resolve, 500)); // room for a redelivery to show up
    expect(after.messages.map((m) => `${m.offset}:${m.value}`)).toEqual(['3:m3', '4:m4']);
  });

  test('librdkafka (kcat -G) inside the network joins a group and consumes', async () => {
    const topic = unique('kcat');
    await producer.send({ topic, messages: [{ value: 'for-kcat' }] });
    const [kafkaContainer] = (await stack.containers()).filter((c) => c.service === 'kafka');
    const started = performance.now();
    const output = execFileSync(
      'docker',
      [
        'exec',
        kafkaContainer!.id,
        'timeout',
        '30',
        'kcat',
        '-b',
        'kafka:9092',
        '-G',
        `${topic}-group`,
        '-X',
        'auto.offset.reset=earliest',
        '-c',
        '1',
        '-q',
        '-f',
        '%s\\n',
        topic,
      ],
      { encoding: 'utf8' },
    );
    console.log(`kcat -G: join and consume one message: ${Math.round(performance.now() - started)} ms`);
    expect(output.trim()).toBe('for-kcat');
  });
});
