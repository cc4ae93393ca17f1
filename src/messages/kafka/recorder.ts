// A Kafka recorder: one consumer per worker on the declared topics, recording every message. Each
// test reads it through a tap that only holds messages produced after the test started.
//
// Why one consumer per worker: joining a group costs ~3 s on the offline broker (and a rebalance on
// every join), far too much per test; the join overlaps the first test's steps (see `start`). Each
// recorder has its own unique group, so it never takes partitions from the services' groups (or
// another worker's): every recorder sees every message.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Admin, Consumer, IHeaders, KafkaMessage } from 'kafkajs';
import { withDeadline } from '../../util/deadline.ts';
import { errorText } from '../../util/error-text.ts';
import { correlationIdIn, type JourneyScope } from '../correlation.ts';
import { formatMessageHeadline } from '../match.ts';
import { MessageLog } from '../message-log.ts';
import { MessageTap } from '../message-tap.ts';
import { decodeBody, type RecordedMessage } from '../recorded-message.ts';
import { connectWithin, describeBroker, type KafkaConnection, kafkaClient } from './client.ts';

export interface KafkaRecorderOptions extends KafkaConnection {
  readonly topics: readonly string[];
  /**
   * A topic the broker does not know fails the recorder (a typo would otherwise make every
   * `.not.toHaveReceived` pass). Set to let the subscription auto-create it instead.
   */
  readonly createMissingTopics?: boolean;
  /** Longest a fetch waits for data; brokers (the offline one too) answer as soon as data arrives. Default 500. */
  readonly maxWaitTimeInMs?: number;
}

/**
 * Where a test's tap starts: `timestamps` (default, free) takes the messages whose Kafka timestamp
 * is at or after the test's start; `offsets` takes those past the high watermarks at the start
 * (a ListOffsets round trip per test), for producers whose clock is not this machine's.
 */
export type KafkaWindowMode = 'timestamps' | 'offsets';

/** Joining a group takes ~3 s on the offline broker; a join is once per worker, so allow for a slow machine. */
const JOIN_TIMEOUT_MS = 20_000;
const STOP_WAIT_MS = 100;
const INTERNAL_TOPIC = /^(__|_offline_kafka_keepalive$)/;

const partitionKey = (topic: string, partition: number) => `${topic}/${partition}`;

function headerText(value: IHeaders[string]): string | undefined {
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value.map(String).join(',') : value.toString();
}

export function recordKafkaMessage(topic: string, partition: number, message: KafkaMessage): RecordedMessage {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    const text = headerText(value);
    if (text !== undefined) headers[name] = text;
  }
  const raw = message.value?.toString() ?? '';
  const value = decodeBody(raw);
  return {
    transport: 'kafka',
    topic,
    partition,
    offset: message.offset,
    key: message.key?.toString() ?? null,
    headers,
    value,
    raw,
    timestamp: Number(message.timestamp),
    receivedAt: Date.now(),
    correlationId: correlationIdIn(headers, value),
  };
}

export class KafkaRecorder {
  readonly log = new MessageLog();
  readonly name: string;

  private constructor(
    readonly topics: readonly string[],
    private readonly admin: Admin,
    private readonly consumer: Consumer,
  ) {
    this.name = `kafka tap [${topics.join(', ')}]`;
  }

  /**
   * Connects, checks the topics, and starts a consumer of a fresh group at the partitions' current
   * ends. It returns without waiting for the group join (~3 s on the offline broker): the first
   * test's steps overlap it, and its taps wait for the recorder to be live (`MessageLog.live`).
   */
  static async start(options: KafkaRecorderOptions): Promise<KafkaRecorder> {
    if (options.topics.length === 0)
      throw new Error('A Kafka tap needs at least one topic: set `kafkaTopics` in `test.use({ … })`.');
    const kafka = kafkaClient(options, `journeys-tap-${process.pid}`);
    const admin = await connectWithin(kafka.admin(), options, 'Kafka tap');
    try {
      if (!options.createMissingTopics) await assertTopicsExist(admin, options);
      const consumer = kafka.consumer({
        // A group of its own: never shares partitions with the services or with other workers.
        groupId: `journeys-tap-${process.pid}-${Math.random().toString(36).slice(2, 10)}`,
        // Nobody else joins this group, so nothing waits for it; short keeps a dead tap's group short-lived.
        sessionTimeout: 6_000,
        heartbeatInterval: 1_000,
        maxWaitTimeInMs: options.maxWaitTimeInMs ?? 500,
        allowAutoTopicCreation: options.createMissingTopics ?? false,
      });
      const recorder = new KafkaRecorder(options.topics, admin, consumer);
      await recorder.#run(options);
      return recorder;
    } catch (error) {
      await admin.disconnect().catch(() => {});
      throw error;
    }
  }

  async #run(options: KafkaRecorderOptions): Promise<void> {
    const { consumer } = this;
    // Where to read each partition from: its end when the recorder started, then one past the last
    // message recorded. Every join (and a rejoin after a rebalance or a broker restart) seeks there,
    // so nothing produced since the start is skipped, however long the join takes. Topics this
    // subscription creates have no end yet: for those the first join starts at "latest" and is awaited.
    const ends = options.createMissingTopics ? undefined : await this.#highWatermarks();
    const next = new Map<string, string>();
    let joined = false;
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      joined = true;
      for (const [topic, partitions] of Object.entries(payload.memberAssignment))
        for (const partition of partitions) {
          const key = partitionKey(topic, partition);
          const offset = next.get(key) ?? (ends ? (ends.get(key) ?? '0') : undefined);
          // Applied by the fetch that follows the join (kafkajs emits GROUP_JOIN before fetching).
          if (offset !== undefined) consumer.seek({ topic, partition, offset });
        }
    });
    // Live once the first fetch after the join is processed: its messages are in the log (kafkajs
    // fetches again only after the previous fetch's batches are done).
    const live = new Promise<void>((resolve) => {
      let fetches = 0;
      const offFetch = consumer.on(consumer.events.FETCH_START, () => {
        if (joined && ++fetches === 2) {
          offFetch();
          resolve();
        }
      });
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (!payload.restart)
        this.log.fail(
          new Error(
            `${this.name} stopped: its consumer crashed (${errorText(payload.error)}); later messages were not recorded.`,
          ),
        );
    });
    try {
      await connectWithin(consumer, options, this.name);
      await consumer.subscribe({ topics: [...this.topics], fromBeginning: false });
      // No commits: the group is this recorder's alone and dies with it. `run` resolves after the
      // join, so it is not awaited here.
      const running = consumer.run({
        autoCommit: false,
        eachMessage: async ({ topic, partition, message }) => {
          next.set(partitionKey(topic, partition), (BigInt(message.offset) + 1n).toString());
          this.log.append(recordKafkaMessage(topic, partition, message));
        },
      });
      const ready = withDeadline(
        Promise.all([running, live]).then(() => {}),
        JOIN_TIMEOUT_MS,
        () =>
          new Error(
            `${this.name}: the consumer did not join its group and fetch within ${JOIN_TIMEOUT_MS} ms on ${describeBroker(options)}.`,
          ),
      );
      this.log.liveWhen(ready);
      if (!ends) await ready;
    } catch (error) {
      await consumer.disconnect().catch(() => {});
      throw error;
    }
  }

  /** Each partition's high watermark (the offset the next message gets), by `topic/partition`. */
  async #highWatermarks(): Promise<Map<string, string>> {
    const ends = new Map<string, string>();
    await Promise.all(
      this.topics.map(async (topic) => {
        for (const { partition, high } of await this.admin.fetchTopicOffsets(topic))
          ends.set(partitionKey(topic, partition), high);
      }),
    );
    return ends;
  }

  /**
   * The tap of one test: the messages produced after this call (see KafkaWindowMode). Either way
   * a message produced before the test but delivered during it stays out, and a failure that finds
   * only such messages says so.
   */
  async tap(mode: KafkaWindowMode = 'timestamps', scope?: JourneyScope): Promise<MessageTap> {
    const fromIndex = this.log.length; // taken first: everything logged before it is older
    if (mode === 'offsets') return this.#offsetsTap(fromIndex, scope);
    // Timestamps have ms resolution: the window starts at the next tick, so a message produced
    // before this call (timestamp ≤ now) is out and one produced after it returns is in.
    const startedAt = await nextMillisecond();
    const rule = {
      accept: (message: RecordedMessage) => message.timestamp >= startedAt,
      explainExcluded: (excluded: readonly RecordedMessage[], start: number) =>
        `${describeExcluded(excluded, start, 'produced before it started (by its Kafka timestamp)')}\n` +
        "A Kafka tap holds the messages whose timestamp is at or after the test's start. If these are this test's, the producer's clock " +
        "is behind this machine's (Docker Desktop's VM after a sleep?) or it sets its own timestamps: `test.use({ kafkaWindow: 'offsets' })` " +
        'starts the tap at the high watermarks instead.',
    };
    return new MessageTap(this.name, this.log, fromIndex, rule, startedAt, scope);
  }

  async #offsetsTap(fromIndex: number, scope: JourneyScope | undefined): Promise<MessageTap> {
    const startedAt = Date.now();
    const watermarks = await this.#highWatermarks();
    const rule = {
      accept: (message: RecordedMessage) =>
        BigInt(message.offset ?? 0) >= BigInt(watermarks.get(partitionKey(message.topic, message.partition ?? 0)) ?? 0),
      explainExcluded: (excluded: readonly RecordedMessage[], start: number) =>
        describeExcluded(
          excluded,
          start,
          "below the partitions' high watermarks taken when it started (produced before it, delivered late)",
        ),
    };
    return new MessageTap(this.name, this.log, fromIndex, rule, startedAt, scope);
  }

  /**
   * Leaves the group (no wait for the session timeout). kafkajs first waits for the fetch in
   * flight, which a broker holds up to `maxWaitTimeInMs` when no data comes: the worker's teardown
   * waits at most STOP_WAIT_MS for that. A group left unleft is this recorder's alone, and the
   * broker drops it after its 6 s session timeout; nobody waits for it.
   */
  async stop(): Promise<void> {
    const leaving = Promise.allSettled([this.consumer.disconnect(), this.admin.disconnect()]);
    await Promise.race([leaving, sleep(STOP_WAIT_MS)]);
  }
}

async function assertTopicsExist(admin: Admin, options: KafkaRecorderOptions): Promise<void> {
  const known = await admin.listTopics();
  const missing = options.topics.filter((topic) => !known.includes(topic));
  if (missing.length === 0) return;
  const listed = known.filter((topic) => !INTERNAL_TOPIC.test(topic)).sort();
  throw new Error(
    `Kafka tap: no topic ${missing.map((topic) => `"${topic}"`).join(', ')} on ${describeBroker(options)}; it has ${listed.map((topic) => `"${topic}"`).join(', ') || 'no topics'}. ` +
      'Check the name, or set `kafkaCreateMissingTopics: true` to tap a topic nobody has produced to or subscribed to yet.',
  );
}

/** Resolves on the first millisecond after the one it was called in, with that millisecond. */
async function nextMillisecond(): Promise<number> {
  const now = Date.now();
  while (Date.now() <= now) await new Promise<void>((resolve) => setImmediate(resolve));
  return now + 1;
}

function describeExcluded(excluded: readonly RecordedMessage[], startedAt: number, why: string): string {
  const shown = excluded
    .slice(0, 5)
    .map(
      (message) =>
        `  ${formatMessageHeadline(message, startedAt)}, timestamp ${message.timestamp - startedAt} ms from the start`,
    );
  if (excluded.length > 5) shown.push(`  … and ${excluded.length - 5} more`);
  const count = excluded.length === 1 ? '1 message matching it' : `${excluded.length} messages matching it`;
  return `${count} arrived during this test but ${excluded.length === 1 ? 'was' : 'were'} ${why}, so ${excluded.length === 1 ? 'it is' : 'they are'} not in its tap:\n${shown.join('\n')}`;
}
