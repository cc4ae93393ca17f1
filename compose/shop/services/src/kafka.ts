// Kafka through kafkajs: a publisher for the outbox relay and a consumer
// helper that validates events before handing them to a service.
import { Kafka, Partitioners, logLevel, type Consumer, type LogEntry } from "kafkajs";
import { shopEvent, type EventType, type ShopEvent } from "./events.ts";
import type { Logger } from "./logger.ts";
import { parseJson, sleep, withTimeout } from "./util.ts";

export function createKafka(clientId: string, brokers: string[], log: Logger): Kafka {
  const levelOf = (level: logLevel) =>
    level === logLevel.ERROR ? "error" : level === logLevel.WARN ? "warn" : level === logLevel.INFO ? "info" : "debug";
  return new Kafka({
    clientId,
    brokers,
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ namespace, level, log: entry }: LogEntry) => {
        const { message, timestamp: _ts, logger: _l, ...rest } = entry;
        log[levelOf(level)](message, { component: `kafkajs.${namespace}`, ...rest });
      },
    connectionTimeout: 3000,
    retry: { initialRetryTime: 100, maxRetryTime: 2000, retries: 10 },
  });
}

export interface KafkaPublisher {
  publish(events: ShopEvent[]): Promise<void>;
  stop(): Promise<void>;
}

export async function createKafkaPublisher(kafka: Kafka): Promise<KafkaPublisher> {
  const producer = kafka.producer({
    // Topics are created by the broker on first use: the offline broker has no
    // CreateTopics, and the online one runs with auto-create enabled.
    allowAutoTopicCreation: true,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  return {
    async publish(events) {
      const byTopic = new Map<EventType, ShopEvent[]>();
      for (const event of events) byTopic.set(event.type, [...(byTopic.get(event.type) ?? []), event]);
      await producer.sendBatch({
        acks: -1,
        topicMessages: [...byTopic].map(([topic, batch]) => ({
          topic,
          messages: batch.map((event) => ({
            // Keyed by order: every event of one order lands on one partition, in order.
            key: event.orderId,
            value: JSON.stringify(event),
            headers: { "correlation-id": event.correlationId, "event-type": event.type, "event-id": event.eventId },
          })),
        })),
      });
    },
    stop: () => producer.disconnect(),
  };
}

export interface KafkaProbe {
  check(): Promise<void>;
  stop(): Promise<void>;
}

/** Health probe: a metadata round trip proves a broker answers now, not that a socket was once open. */
export async function createKafkaProbe(kafka: Kafka): Promise<KafkaProbe> {
  const admin = kafka.admin({ retry: { retries: 0 } });
  await admin.connect();
  return {
    check: async () => {
      await withTimeout(admin.describeCluster(), 1500, "kafka describeCluster");
    },
    stop: () => admin.disconnect(),
  };
}

export interface KafkaSubscription {
  /** True once the consumer joined its group, so events published from then on are seen. */
  ready(): boolean;
  stop(): Promise<void>;
}

export interface KafkaSubscribeOptions {
  kafka: Kafka;
  groupId: string;
  topics: EventType[];
  log: Logger;
  handle(event: ShopEvent, log: Logger): Promise<void>;
}

export async function subscribe({ kafka, groupId, topics, log, handle }: KafkaSubscribeOptions): Promise<KafkaSubscription> {
  const consumer = kafka.consumer({
    groupId,
    // Short timings so a restarted service rejoins quickly and tests do not wait on rebalances.
    sessionTimeout: 6000,
    rebalanceTimeout: 6000,
    heartbeatInterval: 500,
    maxWaitTimeInMs: 100,
    allowAutoTopicCreation: true,
    // A failing handler (database down, ...) crashes the run loop; always
    // restart it, the message is redelivered from the last committed offset.
    retry: { initialRetryTime: 200, retries: 5, restartOnFailure: async () => true },
  });
  let joined = false;
  consumer.on(consumer.events.GROUP_JOIN, () => {
    joined = true;
    log.info("kafka consumer joined group", { groupId, topics });
  });
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    joined = false;
    log.error("kafka consumer crashed", { groupId, err: payload.error, restart: payload.restart });
  });
  consumer.on(consumer.events.STOP, () => (joined = false));

  await consumer.connect();
  await subscribeWithRetry(consumer, topics, log);
  await consumer.run({
    eachMessage: async ({ topic, partition, message }) => {
      const parsed = shopEvent.safeParse(parseJson(message.value?.toString()));
      if (!parsed.success) {
        // Poison message: redelivering it cannot help, so log and move on.
        log.error("invalid kafka event skipped", { topic, partition, offset: message.offset, issues: parsed.error.issues });
        return;
      }
      const event = parsed.data;
      const eventLog = log.child({ correlationId: event.correlationId, orderId: event.orderId });
      eventLog.info("event received", { type: event.type, eventId: event.eventId, topic, partition, offset: message.offset });
      const started = performance.now();
      await handle(event, eventLog);
      eventLog.debug("event handled", { type: event.type, durationMs: Math.round(performance.now() - started) });
    },
  });
  return {
    ready: () => joined,
    stop: () => consumer.disconnect(),
  };
}

// Subscribing fetches topic metadata, which auto-creates missing topics; a
// broker still electing a leader for a brand-new topic fails the first tries.
async function subscribeWithRetry(consumer: Consumer, topics: string[], log: Logger): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      // A new group starts at the beginning: with the default (latest) events
      // published before its first join would be skipped. Handlers are idempotent.
      await consumer.subscribe({ topics, fromBeginning: true });
      return;
    } catch (err) {
      if (attempt >= 30) throw err;
      log.warn("kafka subscribe failed, retrying", { topics, attempt, err });
      await sleep(500);
    }
  }
}
