import type { Producer, RecordMetadata } from 'kafkajs';
import { assertRedeliverable } from '../broker-kinds.ts';
import type { RecordedMessage } from '../recorded-message.ts';
import { connectWithin, type KafkaConnection, kafkaClient } from './client.ts';

export interface KafkaSend {
  readonly key?: string | null;
  /** Objects are sent as JSON; strings and Buffers as they are. */
  readonly value: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  readonly partition?: number;
  /** Kafka timestamp in ms since the epoch; default: now (set by the client). */
  readonly timestamp?: number;
}

/** Lets a journey inject events, or redeliver one it recorded. */
export class KafkaProducer {
  private constructor(private readonly producer: Producer) {}

  static async connect(connection: KafkaConnection): Promise<KafkaProducer> {
    const producer = kafkaClient(connection, `journeys-producer-${process.pid}`).producer({
      allowAutoTopicCreation: true,
    });
    return new KafkaProducer(await connectWithin(producer, connection, 'Kafka producer'));
  }

  /** Resolves once the broker acknowledged the message (all in-sync replicas). */
  async send(topic: string, message: KafkaSend): Promise<RecordMetadata> {
    const value =
      typeof message.value === 'string' || Buffer.isBuffer(message.value)
        ? message.value
        : JSON.stringify(message.value);
    const [metadata] = await this.producer.send({
      topic,
      messages: [
        {
          key: message.key ?? null,
          value,
          headers: { ...message.headers },
          partition: message.partition,
          timestamp: message.timestamp === undefined ? undefined : String(message.timestamp),
        },
      ],
    });
    return metadata!;
  }

  /** Sends a recorded message again, byte for byte: same topic, key, headers and payload. */
  async redeliver(message: RecordedMessage): Promise<RecordMetadata> {
    assertRedeliverable(message, 'kafka');
    return this.send(message.topic, { key: message.key, value: message.raw, headers: message.headers });
  }

  async disconnect(): Promise<void> {
    await this.producer.disconnect();
  }
}
