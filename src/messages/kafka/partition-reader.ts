// Reads every partition of some topics from given offsets, without a consumer group: one Fetch loop
// per partition leader, each a long poll the broker answers as soon as data arrives. No group means
// no join (Kafka's default initial rebalance delay is 3 s), no rebalance when another worker starts,
// nothing left on the broker, and a stop that waits for nothing.
import { setTimeout as sleep } from 'node:timers/promises';
import type { KafkaMessage } from 'kafkajs';
import { errorText } from '../../util/error-text.ts';
import { batchOf, type Cluster, READ_COMMITTED } from './kafkajs-internals.ts';

export interface PartitionReaderOptions {
  /** Longest a fetch waits when no data comes (the broker answers at once when some does). */
  readonly maxWaitTimeInMs: number;
  readonly onMessage: (topic: string, partition: number, message: KafkaMessage) => void;
  /** A failure retrying cannot fix (an authorization error, an unsupported broker): reading stopped. */
  readonly onFailure: (error: Error) => void;
}

/** Errors after which fresh metadata (a new leader, a topic just created) is the fix. */
const STALE_METADATA = new Set([
  'LEADER_NOT_AVAILABLE',
  'NOT_LEADER_FOR_PARTITION',
  'FENCED_LEADER_EPOCH',
  'UNKNOWN_LEADER_EPOCH',
  'UNKNOWN_TOPIC_OR_PARTITION',
]);
const MAX_BYTES_PER_PARTITION = 1024 * 1024;
const RETRY_MS = { first: 100, max: 1_000 };

/** How positions, partition ends and offsets windows key a partition. */
export const partitionKey = (topic: string, partition: number) => `${topic}/${partition}`;

/** The mock and kafkajs say "no leader" as -1 or with no leader at all. */
const hasLeader = ({ leader }: { leader?: number | null }) => typeof leader === 'number' && leader >= 0;

interface Position {
  readonly topic: string;
  readonly partition: number;
  offset: string;
}

export class PartitionReader {
  /** Where each known partition is read next, by `topic/partition`. */
  readonly #positions = new Map<string, Position>();
  /** The fetch loop of each leader that has partitions to read. */
  readonly #loops = new Map<number, Promise<void>>();
  #stopped = false;
  #replanning = false;

  /**
   * @param starts the first offset to read, by `topic/partition`; a partition not in it (one created
   * later, or a topic created by this read) is read from its beginning: all of it is newer.
   */
  constructor(
    private readonly cluster: Cluster,
    private readonly topics: readonly string[],
    starts: ReadonlyMap<string, string>,
    private readonly options: PartitionReaderOptions,
  ) {
    for (const [key, offset] of starts) {
      const [topic, partition] = splitKey(key);
      this.#positions.set(key, { topic, partition, offset });
    }
  }

  /** Starts a loop per leader; returns at once. */
  start(): void {
    this.#plan();
  }

  /** Ends the loops; a fetch in flight is dropped with the cluster's connections. */
  stop(): void {
    this.#stopped = true;
  }

  /** Picks up partitions the metadata now lists, and starts a loop for each leader without one. */
  #plan(): void {
    for (const topic of this.topics) {
      for (const { partitionId } of this.#partitionsOf(topic)) {
        const key = partitionKey(topic, partitionId);
        if (!this.#positions.has(key)) this.#positions.set(key, { topic, partition: partitionId, offset: '0' });
      }
    }
    for (const leader of this.#leaders().keys()) {
      if (this.#loops.has(leader)) continue;
      const loop = this.#loop(leader).finally(() => this.#loops.delete(leader));
      this.#loops.set(leader, loop);
    }
    // A topic this read is creating may have no leader yet: look again until every topic has one.
    const leaderless = this.topics.some((topic) => !this.#partitionsOf(topic).some(hasLeader));
    if (leaderless && !this.#replanning && !this.#stopped) {
      this.#replanning = true;
      setTimeout(() => {
        this.#replanning = false;
        if (this.#stopped) return;
        this.cluster.refreshMetadata().then(
          () => this.#plan(),
          () => this.#plan(),
        );
      }, RETRY_MS.first).unref();
    }
  }

  #partitionsOf(topic: string) {
    try {
      return this.cluster.findTopicPartitionMetadata(topic);
    } catch {
      return []; // no metadata yet: the next refresh brings it
    }
  }

  /** The positions to read, by the node that leads their partition now. */
  #leaders(): Map<number, Position[]> {
    const byLeader = new Map<number, Position[]>();
    for (const topic of this.topics) {
      for (const metadata of this.#partitionsOf(topic)) {
        const { partitionId, leader } = metadata;
        const position = this.#positions.get(partitionKey(topic, partitionId));
        if (!position || !hasLeader(metadata)) continue;
        byLeader.set(leader, [...(byLeader.get(leader) ?? []), position]);
      }
    }
    return byLeader;
  }

  async #loop(leader: number): Promise<void> {
    let retryMs = RETRY_MS.first;
    while (!this.#stopped) {
      const positions = this.#leaders().get(leader);
      if (!positions?.length) return; // its partitions moved: their new leader has a loop
      try {
        await this.#fetch(leader, positions);
        retryMs = RETRY_MS.first;
      } catch (error) {
        if (this.#stopped) return;
        if (!(await this.#recover(error))) {
          this.#stopped = true;
          this.options.onFailure(error instanceof Error ? error : new Error(errorText(error)));
          return;
        }
        await sleep(retryMs);
        retryMs = Math.min(retryMs * 2, RETRY_MS.max);
        await this.cluster.refreshMetadata().catch(() => {}); // a broker back after a restart, a new leader
        this.#plan();
      }
    }
  }

  async #fetch(leader: number, positions: readonly Position[]): Promise<void> {
    await this.cluster.refreshMetadataIfNecessary();
    this.#plan(); // partitions added since, and their leaders
    const broker = await this.cluster.findBroker({ nodeId: String(leader) });
    const topics = new Map<string, { partition: number; fetchOffset: string; maxBytes: number }[]>();
    for (const { topic, partition, offset } of positions)
      topics.set(topic, [
        ...(topics.get(topic) ?? []),
        { partition, fetchOffset: offset, maxBytes: MAX_BYTES_PER_PARTITION },
      ]);
    const { responses } = await broker.fetch({
      isolationLevel: READ_COMMITTED,
      maxWaitTime: this.options.maxWaitTimeInMs,
      minBytes: 1,
      maxBytes: 10 * MAX_BYTES_PER_PARTITION,
      topics: [...topics].map(([topic, partitions]) => ({ topic, partitions })),
    });
    if (this.#stopped) return;
    for (const { topicName, partitions } of responses) {
      for (const data of partitions) {
        const position = this.#positions.get(partitionKey(topicName, data.partition));
        if (!position) continue;
        const batch = batchOf(topicName, position.offset, data);
        for (const message of batch.messages) this.options.onMessage(topicName, data.partition, message);
        // Past control records and aborted transactions too, not only past the last message handed on.
        if (!batch.isEmptyIncludingFiltered()) position.offset = (BigInt(batch.lastOffset()) + 1n).toString();
      }
    }
  }

  /** True when reading can go on after `error`. */
  async #recover(error: unknown): Promise<boolean> {
    const { name, type, retriable, topic, partition } = error as {
      name?: string;
      type?: string;
      retriable?: boolean;
      topic?: string;
      partition?: number;
    };
    if (name === 'KafkaJSOffsetOutOfRange' && topic !== undefined && partition !== undefined) {
      // The log was truncated or started over (a broker restarted without its data): read what it
      // holds now, from its beginning.
      const position = this.#positions.get(partitionKey(topic, partition));
      if (position) position.offset = await this.#earliest(topic, partition, position.offset);
      return true;
    }
    if (type !== undefined && STALE_METADATA.has(type)) return true;
    // Connection refused or closed, a request timeout, a broker not (yet) in the metadata.
    return retriable !== false || name === 'KafkaJSBrokerNotFound';
  }

  async #earliest(topic: string, partition: number, fallback: string): Promise<string> {
    try {
      const [offsets] = await this.cluster.fetchTopicsOffset([
        { topic, partitions: [{ partition }], fromBeginning: true },
      ]);
      return offsets?.partitions.find((p) => p.partition === partition)?.offset ?? fallback;
    } catch {
      return fallback; // retried with the next fetch
    }
  }
}

function splitKey(key: string): [string, number] {
  const slash = key.lastIndexOf('/');
  return [key.slice(0, slash), Number(key.slice(slash + 1))];
}
