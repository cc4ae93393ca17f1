import type { ChannelModel, ConfirmChannel, Options } from 'amqplib';
import { errorText } from '../../util/error-text.ts';
import { assertRedeliverable } from '../broker-kinds.ts';
import type { RecordedMessage } from '../recorded-message.ts';
import { PROPERTY_NAMES } from './recorder.ts';

export interface RabbitPublish {
  /** Objects are sent as JSON (contentType application/json); strings and Buffers as they are. */
  readonly value: unknown;
  readonly options?: Options.Publish;
}

/** Confirmed publishes: `publish` resolves once the broker has taken the message. */
export class RabbitPublisher {
  #channel: Promise<ConfirmChannel> | undefined;

  constructor(private readonly connection: ChannelModel) {}

  #confirmChannel(): Promise<ConfirmChannel> {
    this.#channel ??= this.connection.createConfirmChannel().then((channel) => {
      channel.on('error', () => {});
      // Publishing to a missing exchange closes the channel: the next publish opens a new one.
      channel.on('close', () => (this.#channel = undefined));
      return channel;
    });
    return this.#channel;
  }

  async publish(exchange: string, routingKey: string, { value, options }: RabbitPublish): Promise<void> {
    const json = !(typeof value === 'string' || Buffer.isBuffer(value));
    const content = Buffer.isBuffer(value) ? value : Buffer.from(json ? JSON.stringify(value) : (value as string));
    const channel = await this.#confirmChannel();
    try {
      await new Promise<void>((resolve, reject) => {
        channel.publish(
          exchange,
          routingKey,
          content,
          { ...(json ? { contentType: 'application/json' } : {}), ...options },
          (error) => (error ? reject(error) : resolve()),
        );
      });
    } catch (error) {
      throw new Error(
        `Publishing to RabbitMQ exchange "${exchange}" (routing key "${routingKey}") failed: ${errorText(error)}`,
        { cause: error },
      );
    }
  }

  /** Publishes a recorded message again: same exchange, routing key, body, properties and headers. */
  async redeliver(message: RecordedMessage): Promise<void> {
    assertRedeliverable(message, 'amqp');
    const properties: Record<string, string> = {};
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(message.headers)) {
      if ((PROPERTY_NAMES as readonly string[]).includes(name)) properties[name] = value;
      else headers[name] = value;
    }
    await this.publish(message.exchange ?? '', message.topic, {
      value: Buffer.from(message.raw),
      options: { ...properties, headers },
    });
  }

  async close(): Promise<void> {
    const channel = this.#channel;
    this.#channel = undefined;
    if (channel) await (await channel).close().catch(() => {});
  }
}
