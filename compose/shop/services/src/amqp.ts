// RabbitMQ through amqplib's built-in recovery: every (re)connect re-declares
// the topology (durable exchange and queues) and restarts the consumers, so
// messages published while a service was away wait in its queue and are
// consumed once it is back. Anything that leaves a channel dead without closing
// the connection (a channel error, a consumer cancelled by the broker) closes
// the connection on purpose, which hands it to recovery too.
import amqp, { type Channel, type ChannelModel, type ConfirmChannel, type ConsumeMessage } from 'amqplib';
import { type EventType, EXCHANGE, type ShopEvent, shopEvent } from './events.ts';
import type { Logger } from './logger.ts';
import { parseJson, sleep } from './util.ts';

export interface AmqpConsumerSpec {
  /** Durable queue owned by the consuming service. */
  queue: string;
  routingKeys: EventType[];
  handle(event: ShopEvent, log: Logger): Promise<void>;
}

export interface AmqpClient {
  publish(events: ShopEvent[]): Promise<void>;
  /** Connected, with the topology declared and every consumer started. */
  ready(): boolean;
  /** Cancels the consumers and waits for the messages being handled. */
  stopConsuming(): Promise<void>;
  close(): Promise<void>;
}

const PREFETCH = 10;
// Delay before a failed message goes back to the queue, so a broken
// dependency does not turn into a hot redelivery loop.
const REQUEUE_DELAY_MS = 1000;

export async function connectAmqp(url: string, log: Logger, consumers: AmqpConsumerSpec[]): Promise<AmqpClient> {
  let publisher: ConfirmChannel | undefined;
  let consumerChannels: Array<{ channel: Channel; tag: string }> = [];
  let stopping = false;
  const inFlight = new Set<Promise<void>>();

  async function handleMessage(channel: Channel, spec: AmqpConsumerSpec, msg: ConsumeMessage): Promise<void> {
    const parsed = shopEvent.safeParse(parseJson(msg.content.toString()));
    if (!parsed.success) {
      log.error('invalid amqp event dropped', {
        queue: spec.queue,
        routingKey: msg.fields.routingKey,
        issues: parsed.error.issues,
      });
      channel.ack(msg);
      return;
    }
    const event = parsed.data;
    const eventLog = log.child({ orderId: event.orderId });
    eventLog.info('event received', {
      type: event.type,
      eventId: event.eventId,
      queue: spec.queue,
      redelivered: msg.fields.redelivered,
    });
    try {
      await spec.handle(event, eventLog);
      channel.ack(msg);
    } catch (err) {
      eventLog.error('event handling failed, requeueing', { type: event.type, err });
      await sleep(REQUEUE_DELAY_MS);
      channel.nack(msg, false, true);
    }
  }

  async function setup(conn: ChannelModel): Promise<void> {
    let recovering = false;
    const recover = (why: string) => {
      // Once per connection: when the connection itself drops, every channel closes too.
      if (stopping || recovering) return;
      recovering = true;
      log.info('amqp channel gone, reconnecting', { why });
      conn.close().catch(() => undefined);
    };
    const pub = await conn.createConfirmChannel();
    pub.on('error', (err) => log.warn('amqp publisher channel error', { err }));
    pub.on('close', () => recover('publisher channel closed'));
    await pub.assertExchange(EXCHANGE, 'topic', { durable: true });
    const started: typeof consumerChannels = [];
    for (const spec of consumers) {
      const channel = await conn.createChannel();
      await channel.prefetch(PREFETCH);
      await channel.assertQueue(spec.queue, { durable: true });
      for (const key of spec.routingKeys) await channel.bindQueue(spec.queue, EXCHANGE, key);
      // A channel closed by the broker (not by us) would silently stop
      // consuming; closing the connection hands it to recovery instead.
      channel.on('error', (err) => log.warn('amqp consumer channel error', { queue: spec.queue, err }));
      channel.on('close', () => recover(`consumer channel of ${spec.queue} closed`));
      const { consumerTag } = await channel.consume(spec.queue, (msg) => {
        if (!msg) {
          // Cancelled by the broker (queue deleted, node stopping): the channel stays open
          // but nothing arrives any more. Reconnecting re-declares the queue and consumes again.
          recover(`consumer of ${spec.queue} cancelled by the broker`);
          return;
        }
        const work = handleMessage(channel, spec, msg).catch((err) => log.error('amqp ack failed', { err }));
        inFlight.add(work);
        void work.finally(() => inFlight.delete(work));
      });
      started.push({ channel, tag: consumerTag });
    }
    publisher = pub;
    consumerChannels = started;
  }

  // Retries for ever, at most 0.5 s apart: the service starts alongside RabbitMQ (compose.yml) and
  // should connect within half a second of the broker listening, at start and after a restart.
  const connection = await amqp.connect(url, {
    recovery: { initialDelay: 100, maxDelay: 500, setup },
  });
  let connected = true;
  log.info('amqp connected', { queues: consumers.map((c) => c.queue) });
  connection.on('connect', () => {
    connected = true;
    log.info('amqp reconnected');
  });
  connection.on('disconnect', (err) => {
    connected = false;
    publisher = undefined;
    log.warn('amqp disconnected', { err });
  });
  connection.on('error', (err) => log.warn('amqp connection error', { err }));

  return {
    async publish(events) {
      const channel = publisher;
      if (!channel) throw new Error('amqp not connected');
      for (const event of events) {
        channel.publish(EXCHANGE, event.type, Buffer.from(JSON.stringify(event)), {
          persistent: true,
          contentType: 'application/json',
          messageId: event.eventId,
          type: event.type,
          timestamp: Math.floor(Date.parse(event.occurredAt) / 1000),
        });
      }
      // Broker confirms make "published" in the outbox mean "stored by RabbitMQ".
      await channel.waitForConfirms();
    },
    ready: () => connected && publisher !== undefined,
    async stopConsuming() {
      stopping = true;
      await Promise.allSettled(consumerChannels.map(({ channel, tag }) => channel.cancel(tag)));
      await Promise.allSettled([...inFlight]);
    },
    async close() {
      stopping = true;
      await connection.close();
    },
  };
}
