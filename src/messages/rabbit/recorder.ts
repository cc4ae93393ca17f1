// A RabbitMQ recorder: an exclusive, auto-deleted queue of its own bound to the exchanges a journey
// watches, so the services' queues keep every message (a recorder copies, never steals). Each test
// reads it through a tap that starts at a fence message sent through the same queue.
import type { Channel, ChannelModel, ConsumeMessage, MessageProperties } from 'amqplib';
import { withDeadline } from '../../util/deadline.ts';
import { errorText } from '../../util/error-text.ts';
import { correlationIdIn, type JourneyScope } from '../correlation.ts';
import { MessageLog } from '../message-log.ts';
import { MessageTap } from '../message-tap.ts';
import { decodeBody, type RecordedMessage } from '../recorded-message.ts';

export interface RabbitBinding {
  readonly exchange: string;
  /** Routing pattern; `#` (everything) when omitted. */
  readonly pattern?: string;
}

/** AMQP basic properties a tap records next to the headers (and a redelivery puts back). */
export const PROPERTY_NAMES = [
  'correlationId',
  'messageId',
  'type',
  'contentType',
  'contentEncoding',
  'appId',
  'replyTo',
] as const;

export function recordAmqpMessage(message: ConsumeMessage): RecordedMessage {
  const properties: MessageProperties = message.properties;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(properties.headers ?? {})) {
    if (value !== undefined && value !== null)
      headers[name] =
        typeof value === 'string' ? value : Buffer.isBuffer(value) ? value.toString() : JSON.stringify(value);
  }
  for (const name of PROPERTY_NAMES) {
    const value: unknown = properties[name];
    if (value !== undefined && value !== null) headers[name] = String(value);
  }
  const raw = message.content.toString();
  const value = decodeBody(raw);
  const receivedAt = Date.now();
  // The AMQP timestamp property is in seconds (when a publisher sets it at all).
  const timestamp =
    typeof properties.timestamp === 'number'
      ? properties.timestamp < 1e12
        ? properties.timestamp * 1000
        : properties.timestamp
      : receivedAt;
  return {
    transport: 'amqp',
    topic: message.fields.routingKey,
    exchange: message.fields.exchange,
    key: properties.messageId ?? null,
    headers,
    value,
    raw,
    timestamp,
    receivedAt,
    correlationId: correlationIdIn(headers, value),
  };
}

/** Checks an exchange on a throwaway channel: a missing one closes the channel it was asked on. */
async function checkExchange(
  connection: ChannelModel,
  exchange: string,
  describeServer: string,
  listExchanges?: () => Promise<string[]>,
): Promise<void> {
  if (exchange === '') return; // the default exchange always exists
  const channel = await connection.createChannel();
  channel.on('error', () => {});
  try {
    await channel.checkExchange(exchange);
  } catch (error) {
    const known = await listExchanges?.().catch(() => undefined);
    const listed = known ? `; it has ${known.map((name) => `"${name}"`).join(', ') || 'none'} (besides amq.*)` : '';
    throw new Error(
      `RabbitMQ tap: no exchange "${exchange}" on ${describeServer}${listed}. Check the name, or bind after whoever declares it has started. (${errorText(error)})`,
      { cause: error },
    );
  } finally {
    await channel.close().catch(() => {});
  }
}

const FENCE_TYPE = 'compose-journeys.fence';
const FENCE_TIMEOUT_MS = 5_000;

export interface RabbitRecorderOptions {
  readonly connection: ChannelModel;
  readonly bindings: readonly RabbitBinding[];
  /** e.g. `RabbitMQ at amqp://shop:***@127.0.0.1:5672`, for error messages. */
  readonly describeServer: string;
  /** Lists exchanges for the "no such exchange" error (management API); optional. */
  readonly listExchanges?: () => Promise<string[]>;
  /**
   * A live connection after the broker went away (restarted by a fault journey, say): with it, the
   * next test's tap re-declares the recorder's queue on it instead of failing. Messages routed while
   * the recorder was disconnected are not recorded.
   */
  readonly reconnect?: () => Promise<ChannelModel>;
}

export class RabbitRecorder {
  #log = new MessageLog();
  readonly name: string;
  #fence: { id: string; arrived(): void } | undefined;
  #channel: Channel;
  #queue: string;
  #stopped = false;
  #broken = false;

  private constructor(
    readonly bindings: readonly RabbitBinding[],
    channel: Channel,
    queue: string,
    private readonly options: RabbitRecorderOptions,
  ) {
    this.name = `rabbitmq tap [${bindings.map((binding) => `${binding.exchange} ${binding.pattern ?? '#'}`).join(', ')}]`;
    this.#channel = channel;
    this.#queue = queue;
  }

  /** What the recorder received since it (last) connected. */
  get log(): MessageLog {
    return this.#log;
  }

  get queue(): string {
    return this.#queue;
  }

  /** Declares the tap's own queue, binds it (before any action of the test) and consumes from it. */
  static async start(options: RabbitRecorderOptions): Promise<RabbitRecorder> {
    if (options.bindings.length === 0)
      throw new Error('A RabbitMQ tap needs at least one binding: set `rabbitBindings` in `test.use({ … })`.');
    for (const { exchange } of new Set(options.bindings))
      await checkExchange(options.connection, exchange, options.describeServer, options.listExchanges);
    const { channel, queue } = await RabbitRecorder.#open(options.connection, options.bindings);
    const recorder = new RabbitRecorder(options.bindings, channel, queue, options);
    await recorder.#consume();
    return recorder;
  }

  static async #open(
    connection: ChannelModel,
    bindings: readonly RabbitBinding[],
  ): Promise<{ channel: Channel; queue: string }> {
    const channel = await connection.createChannel();
    try {
      // Server-named, exclusive, auto-deleted: nobody else can consume it and it goes with us.
      const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true, durable: false });
      for (const binding of bindings) await channel.bindQueue(queue, binding.exchange, binding.pattern ?? '#');
      return { channel, queue };
    } catch (error) {
      await channel.close().catch(() => {});
      throw error;
    }
  }

  async #consume(): Promise<void> {
    const channel = this.#channel;
    const log = this.#log;
    channel.on('error', () => {});
    channel.on('close', () => {
      if (this.#stopped) return;
      this.#broken = true;
      log.fail(
        new Error(
          `${this.name} stopped: its channel closed (the broker went away?); later messages were not recorded.`,
        ),
      );
    });
    try {
      await channel.consume(this.#queue, (message) => message && this.#receive(message), {
        noAck: true,
        exclusive: true,
      });
    } catch (error) {
      await channel.close().catch(() => {});
      throw error;
    }
  }

  /** After the broker went away: a new queue on a live connection, and a new log (old taps keep the old one). */
  async #reopen(): Promise<void> {
    if (!this.options.reconnect) throw this.#log.failure ?? new Error(`${this.name} stopped.`);
    const connection = await this.options.reconnect();
    const { channel, queue } = await RabbitRecorder.#open(connection, this.bindings);
    this.#channel = channel;
    this.#queue = queue;
    this.#log = new MessageLog();
    this.#broken = false;
    await this.#consume();
  }

  #receive(message: ConsumeMessage): void {
    if (message.properties.type === FENCE_TYPE) {
      const fence = this.#fence;
      if (fence && fence.id === message.properties.messageId) fence.arrived();
      return;
    }
    this.#log.append(recordAmqpMessage(message));
  }

  /**
   * The tap of one test. A queue delivers in order, so a fence message sent to our own queue marks
   * the start: whatever was routed before it belongs to earlier tests.
   */
  async tap(scope?: JourneyScope): Promise<MessageTap> {
    if (this.#broken) await this.#reopen();
    const startedAt = Date.now();
    const id = `${process.pid}-${startedAt}-${Math.random().toString(36).slice(2, 8)}`;
    const log = this.#log;
    const fromIndex = await withDeadline(
      new Promise<number>((resolve) => {
        this.#fence = { id, arrived: () => resolve(log.length) };
        this.#channel.sendToQueue(this.#queue, Buffer.alloc(0), { type: FENCE_TYPE, messageId: id });
      }),
      FENCE_TIMEOUT_MS,
      () =>
        new Error(
          `${this.name}: its start-of-test marker did not come back through queue ${this.#queue} within ${FENCE_TIMEOUT_MS} ms.`,
        ),
    );
    this.#fence = undefined;
    return new MessageTap(this.name, log, fromIndex, undefined, startedAt, scope);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#channel.close().catch(() => {});
  }
}
