// Kafka through kafkajs: a publisher for the outbox relay and a consumer
// helper that validates events before handing them to a service.
import { type Consumer, type EachMessagePayload, Kafka, type LogEntry, logLevel, Partitioners } from 'kafkajs';
import { type EventType, type ShopEvent, shopEvent } from './events.ts';
import type { Logger } from './logger.ts';
import { parseJson, sleep, withTimeout } from './util.ts';

export function createKafka(clientId: string, brokers: string[], log: Logger): Kafka {
  const levelOf = (level: logLevel) =>
    level === logLevel.ERROR ? 'error' : level === logLevel.WARN ? 'warn' : level === logLevel.INFO ? 'info' : 'debug';
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
            // traceparent: added by OpenTelemetry's kafkajs instrumentation, from the active context.
            headers: { 'event-type': event.type, 'event-id': event.eventId },
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

// The services start alongside the broker (compose.yml): wait for it as long as a healthcheck's
// start period would, asking every quarter second.
const BROKER_WAIT_MS = 120_000;
const BROKER_ASK_EVERY_MS = 250;

/**
 * Health probe: a metadata round trip proves a broker answers now, not that a socket was once open.
 * Created first, it is also the wait for the broker at start.
 */
export async function createKafkaProbe(kafka: Kafka, log: Logger): Promise<KafkaProbe> {
  const admin = kafka.admin({ retry: { retries: 0 } });
  const deadline = Date.now() + BROKER_WAIT_MS;
  for (let attempt = 1; ; attempt++) {
    try {
      await admin.connect();
      if (attempt > 1) log.info('kafka answers', { attempts: attempt });
      break;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      if (attempt === 1) log.info('waiting for kafka', { err });
      await sleep(BROKER_ASK_EVERY_MS);
    }
  }
  return {
    check: async () => {
      await withTimeout(admin.describeCluster(), 1500, 'kafka describeCluster');
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

// Consumer timings. The offline broker answers a waiting fetch as soon as a message
// arrives (compose/offline/kafka/README.md), like a real one, so a long wait costs no
// latency; it only bounds how often an idle consumer polls. Two things keep it short:
// kafkajs heartbeats between fetches only (the wait must stay well below the session
// timeout), and a stopping consumer waits for its fetch to come back, which must fit in
// the shutdown deadline (runtime.ts). A short session keeps rejoins fast: a restarted
// service's new member waits for the old one to time out.
export const CONSUMER_TIMINGS = {
  maxWaitTimeInMs: 1000,
  heartbeatInterval: 1000,
  sessionTimeout: 6000,
  rebalanceTimeout: 6000,
} as const;
// After a crash kafkajs does not restart by itself (a non-retriable error), try again this often.
const RESUBSCRIBE_DELAY_MS = 500;

export async function subscribe({
  kafka,
  groupId,
  topics,
  log,
  handle,
}: KafkaSubscribeOptions): Promise<KafkaSubscription> {
  let joined = false;
  let stopped = false;
  let consumer: Consumer | undefined;
  let resubscribe: NodeJS.Timeout | undefined;

  const eachMessage = async ({ topic, partition, message }: EachMessagePayload) => {
    const parsed = shopEvent.safeParse(parseJson(message.value?.toString()));
    if (!parsed.success) {
      // Poison message: redelivering it cannot help, so log and move on.
      log.error('invalid kafka event skipped', {
        topic,
        partition,
        offset: message.offset,
        issues: parsed.error.issues,
      });
      return;
    }
    const event = parsed.data;
    const eventLog = log.child({ orderId: event.orderId });
    eventLog.info('event received', {
      type: event.type,
      eventId: event.eventId,
      topic,
      partition,
      offset: message.offset,
    });
    const started = performance.now();
    await handle(event, eventLog);
    eventLog.debug('event handled', { type: event.type, durationMs: Math.round(performance.now() - started) });
  };

  // Offsets are committed after each batch is handled: a consumer that dies (SIGKILL,
  // broker gone) resumes from the last committed offset and sees the rest again, which
  // the idempotent handlers absorb.
  const start = async (): Promise<void> => {
    const next = kafka.consumer({
      groupId,
      ...CONSUMER_TIMINGS,
      allowAutoTopicCreation: true,
      // A failing handler (database down, ...) crashes the run loop; always
      // restart it, the message is redelivered from the last committed offset.
      retry: { initialRetryTime: 200, retries: 5, restartOnFailure: async () => true },
    });
    consumer = next;
    next.on(next.events.GROUP_JOIN, () => {
      joined = true;
      log.info('kafka consumer joined group', { groupId, topics });
    });
    next.on(next.events.REBALANCING, () => (joined = false));
    next.on(next.events.CRASH, ({ payload }) => {
      joined = false;
      log.error('kafka consumer crashed', { groupId, err: payload.error, restart: payload.restart });
      // kafkajs restarts by itself after retriable errors only; start a new consumer after the others.
      if (!payload.restart) retryLater(next);
    });
    next.on(next.events.STOP, () => (joined = false));
    await next.connect();
    await subscribeWithRetry(next, topics, log);
    await next.run({ eachMessage });
  };

  const retryLater = (crashed: Consumer): void => {
    if (stopped || resubscribe || consumer !== crashed) return;
    resubscribe = setTimeout(async () => {
      resubscribe = undefined;
      if (stopped) return;
      await crashed.disconnect().catch(() => undefined);
      try {
        await start();
        log.info('kafka consumer started again', { groupId });
      } catch (err) {
        log.warn('kafka consumer restart failed, retrying', { groupId, err });
        retryLater(consumer!);
      }
    }, RESUBSCRIBE_DELAY_MS);
  };

  await start();
  return {
    ready: () => joined,
    async stop() {
      stopped = true;
      clearTimeout(resubscribe);
      await consumer?.disconnect();
    },
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
      log.warn('kafka subscribe failed, retrying', { topics, attempt, err });
      await sleep(500);
    }
  }
}
