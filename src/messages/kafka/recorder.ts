// A Kafka recorder: one group-free reader per worker on the declared topics, recording every message.
// Each test reads it through a tap that only holds messages produced after the test started.
//
// Why no consumer group: a group join costs 3 s on a broker with Kafka's default initial rebalance
// delay, a rebalance whenever another worker joins, and a group left on the broker. The recorder reads every partition itself from where it stood when the recorder started
// (partition-reader.ts): live as soon as `start` returns, and it never takes partitions from the
// services' groups or another worker's.
import type { Socket } from 'node:net';
import type { IHeaders, KafkaMessage } from 'kafkajs';
import { withDeadline } from '../../util/deadline.ts';
import { correlationIdIn, type JourneyScope } from '../correlation.ts';
import { formatMessageHeadline } from '../match.ts';
import { MessageLog } from '../message-log.ts';
import { MessageTap } from '../message-tap.ts';
import { decodeBody, type RecordedMessage } from '../recorded-message.ts';
import { connectWithin, describeBroker, type KafkaConnection, kafkaClient } from './client.ts';
import { type Cluster, clusterOf, READ_COMMITTED } from './kafkajs-internals.ts';
import { PartitionReader, partitionKey } from './partition-reader.ts';

export interface KafkaRecorderOptions extends KafkaConnection {
  readonly topics: readonly string[];
  /**
   * A topic the broker does not know fails the recorder (a typo would otherwise make every
   * `.not.toHaveReceived` pass). Set to create it instead (brokers with topic auto-creation).
   */
  readonly createMissingTopics?: boolean;
  /** Longest a fetch waits when no data comes; brokers (the offline one too) answer as soon as data arrives. Default 5000. */
  readonly maxWaitTimeInMs?: number;
}

/**
 * Where a test's tap starts: `timestamps` (default, free) takes the messages whose Kafka timestamp
 * is at or after the test's start; `offsets` takes those past the high watermarks at the start
 * (a ListOffsets round trip per test), for producers whose clock is not this machine's.
 */
export type KafkaWindowMode = 'timestamps' | 'offsets';

const INTERNAL_TOPIC = /^(__|_offline_kafka_keepalive$)/;
const METADATA_MAX_AGE_MS = 10_000;

const recorderName = (topics: readonly string[]) => `kafka tap [${topics.join(', ')}]`;

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
  readonly name: string;

  private constructor(
    readonly topics: readonly string[],
    readonly log: MessageLog,
    private readonly control: Cluster,
    private readonly fetching: Cluster,
    private readonly sockets: Set<Socket>,
    private readonly reader: PartitionReader,
  ) {
    this.name = recorderName(topics);
  }

  /**
   * Connects, checks the topics, takes each partition's end, and starts reading from there. What is
   * produced after it returns is recorded: no group to join first.
   */
  static async start(options: KafkaRecorderOptions): Promise<KafkaRecorder> {
    if (options.topics.length === 0)
      throw new Error('A Kafka tap needs at least one topic: set `kafkaTopics` in `test.use({ … })`.');
    const name = recorderName(options.topics);
    const createMissing = options.createMissingTopics ?? false;
    // Partitions added later are picked up within METADATA_MAX_AGE_MS (partition-reader.ts).
    const clusterOptions = {
      allowAutoTopicCreation: createMissing,
      isolationLevel: READ_COMMITTED,
      metadataMaxAge: METADATA_MAX_AGE_MS,
    };
    // Two sets of connections: a broker answers a connection's requests in order, so a fetch waiting
    // for data would hold up an offsets tap's ListOffsets for as long as it waits. The sockets are
    // kept to close them at stop: kafkajs's disconnect waits out a fetch in flight.
    const sockets = new Set<Socket>();
    const control = clusterOf(kafkaClient(options, `journeys-tap-${process.pid}`, sockets), clusterOptions);
    const fetching = clusterOf(kafkaClient(options, `journeys-tap-${process.pid}`, sockets), clusterOptions);
    const connected = await Promise.allSettled([
      connectWithin(control, options, 'Kafka tap'),
      connectWithin(fetching, options, 'Kafka tap'),
    ]);
    try {
      for (const result of connected) if (result.status === 'rejected') throw result.reason;
      const ends = await withDeadline(
        startingOffsets(control, options, createMissing),
        options.connectTimeoutMs ?? 5_000,
        () => new Error(`${name}: ${describeBroker(options)} did not list the topics' partitions and offsets in time.`),
      );
      await fetching.addMultipleTargetTopics([...options.topics]).catch(() => {}); // else the reader's first refresh
      const log = new MessageLog();
      const reader = new PartitionReader(fetching, options.topics, ends, {
        maxWaitTimeInMs: options.maxWaitTimeInMs ?? 5_000,
        onMessage: (topic, partition, message) => log.append(recordKafkaMessage(topic, partition, message)),
        onFailure: (error) =>
          log.fail(new Error(`${name} stopped: ${error.message}; later messages were not recorded.`)),
      });
      reader.start();
      return new KafkaRecorder(options.topics, log, control, fetching, sockets, reader);
    } catch (error) {
      await closeNow(sockets, [control, fetching]);
      throw error;
    }
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
    const watermarks = await partitionEnds(this.control, this.topics);
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

  /** Stops reading and closes the connections; there is no group to leave, so nothing is waited for. */
  async stop(): Promise<void> {
    this.reader.stop();
    await closeNow(this.sockets, [this.control, this.fetching]);
  }
}

/**
 * Closes the clusters' sockets, then disconnects them. kafkajs notices a connection's end only from
 * the peer ('end'), and its disconnect first waits for the requests in flight: a fetch waiting for
 * data, or a request to a broker that never answers. Ending the socket from here rejects them at once.
 */
async function closeNow(sockets: Set<Socket>, clusters: readonly Cluster[]): Promise<void> {
  for (const socket of sockets) {
    socket.destroy();
    socket.emit('end');
  }
  await Promise.allSettled(clusters.map((cluster) => cluster.disconnect()));
}

/**
 * Where reading starts: each partition's end now. Topics this recorder creates have no end yet and
 * are read from their beginning (see PartitionReader).
 */
async function startingOffsets(
  cluster: Cluster,
  options: KafkaRecorderOptions,
  createMissing: boolean,
): Promise<Map<string, string>> {
  if (!createMissing) await assertTopicsExist(cluster, options);
  try {
    await cluster.addMultipleTargetTopics([...options.topics]);
  } catch (error) {
    if (!createMissing) throw error;
    return new Map(); // being created (no leader yet): read from the beginning once it has one
  }
  const known = options.topics.filter((topic) => cluster.findTopicPartitionMetadata(topic).length > 0);
  return partitionEnds(cluster, known);
}

/** Each partition's end (the offset its next message gets), by `topic/partition`. */
async function partitionEnds(cluster: Cluster, topics: readonly string[]): Promise<Map<string, string>> {
  const ends = new Map<string, string>();
  if (topics.length === 0) return ends;
  const offsets = await cluster.fetchTopicsOffset(
    topics.map((topic) => ({
      topic,
      partitions: cluster.findTopicPartitionMetadata(topic).map(({ partitionId }) => ({ partition: partitionId })),
      fromBeginning: false,
    })),
  );
  for (const { topic, partitions } of offsets)
    for (const { partition, offset } of partitions) ends.set(partitionKey(topic, partition), offset);
  return ends;
}

async function assertTopicsExist(cluster: Cluster, options: KafkaRecorderOptions): Promise<void> {
  const known = (await cluster.metadata()).topicMetadata.map(({ topic }) => topic);
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
