// The two parts of kafkajs a group-free reader needs and kafkajs does not export: its Cluster (metadata,
// leaders, ListOffsets, a Fetch per broker) and its Batch (drops control records, aborted transactions and
// records below the fetched offset). kafkajs has no `assign()`: reading partitions without a consumer
// group, and so without a group join (3 s on a broker with Kafka's default initial rebalance delay),
// means going one level down. kafkajs 2.2.4 is its last release; `dependencies` pins ~2.2, and a
// kafkajs without these parts fails here by name instead of somewhere inside a fetch.
import { createRequire } from 'node:module';
import type { Kafka, KafkaMessage } from 'kafkajs';

export const READ_COMMITTED = 1;

export interface PartitionMetadata {
  readonly partitionId: number;
  readonly leader: number;
}

export interface FetchedPartition {
  readonly partition: number;
  readonly highWatermark: string;
}

export interface FetchResponse {
  readonly responses: readonly { readonly topicName: string; readonly partitions: readonly FetchedPartition[] }[];
}

export interface ClusterBroker {
  fetch(request: {
    isolationLevel: number;
    maxWaitTime: number;
    minBytes: number;
    maxBytes: number;
    topics: { topic: string; partitions: { partition: number; fetchOffset: string; maxBytes: number }[] }[];
  }): Promise<FetchResponse>;
}

export interface Cluster {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  refreshMetadata(): Promise<void>;
  refreshMetadataIfNecessary(): Promise<void>;
  addMultipleTargetTopics(topics: string[]): Promise<void>;
  metadata(): Promise<{ topicMetadata: { topic: string }[] }>;
  findTopicPartitionMetadata(topic: string): PartitionMetadata[];
  findBroker(node: { nodeId: string }): Promise<ClusterBroker>;
  fetchTopicsOffset(
    topics: { topic: string; partitions: { partition: number }[]; fromBeginning: boolean }[],
  ): Promise<{ topic: string; partitions: { partition: number; offset: string }[] }[]>;
}

export interface Batch {
  readonly messages: KafkaMessage[];
  isEmptyIncludingFiltered(): boolean;
  lastOffset(): string;
}

type BatchConstructor = new (topic: string, fetchedOffset: string, partitionData: FetchedPartition) => Batch;
type CreateCluster = (options: ClusterOptions) => Cluster;

export interface ClusterOptions {
  allowAutoTopicCreation: boolean;
  isolationLevel: number;
  /** How old metadata may get before a request refreshes it (kafkajs: 0, i.e. before every fetch). */
  metadataMaxAge: number;
}

const require = createRequire(import.meta.url);

/** A Cluster with the client's brokers, socket factory, timeouts and retry settings. */
export function clusterOf(kafka: Kafka, options: ClusterOptions): Cluster {
  const symbol = Object.getOwnPropertySymbols(kafka).find((s) => s.description === 'private:Kafka:createCluster');
  const create = symbol && (kafka as unknown as Record<symbol, unknown>)[symbol];
  if (typeof create !== 'function') throw unsupported('its Kafka client has no cluster factory');
  return (create as CreateCluster)(options);
}

let batch: BatchConstructor | undefined;

export function batchOf(topic: string, fetchedOffset: string, partitionData: FetchedPartition): Batch {
  if (!batch) {
    try {
      batch = require('kafkajs/src/consumer/batch') as BatchConstructor;
    } catch (error) {
      throw unsupported('it has no src/consumer/batch', error);
    }
  }
  return new batch(topic, fetchedOffset, partitionData);
}

function unsupported(what: string, cause?: unknown): Error {
  const { version } = require('kafkajs/package.json') as { version: string };
  return new Error(
    `compose-journeys reads Kafka with kafkajs 2.2 internals, but the installed kafkajs ${version} differs (${what}). Install kafkajs 2.2.x.`,
    { cause },
  );
}
