// One message as a tap saw it, the same shape for Kafka and RabbitMQ so that
// matchers, ranking and timelines need not care which broker it came from.
import type { Transport } from './broker-kinds.ts';

export interface RecordedMessage {
  readonly transport: Transport;
  /** Kafka topic, or the AMQP routing key the message was published with. */
  readonly topic: string;
  /** AMQP exchange the message was published to (undefined for Kafka). */
  readonly exchange?: string;
  readonly partition?: number;
  /** Kafka offset as a decimal string (kafkajs gives strings: offsets are int64). */
  readonly offset?: string;
  /** Kafka message key; for AMQP, which has no key, the `messageId` property. */
  readonly key: string | null;
  /** Kafka headers, or AMQP headers plus the basic properties that were set (correlationId, messageId, type, …). */
  readonly headers: Readonly<Record<string, string>>;
  /** The body parsed as JSON, or the body as text when it is not JSON. */
  readonly value: unknown;
  /** The body as text: "same payload" means the same bytes, not an equal parse. */
  readonly raw: string;
  /** Producer/broker timestamp in ms since the epoch (AMQP: the `timestamp` property, or receipt time). */
  readonly timestamp: number;
  /** When this process received it, ms since the epoch: timelines sort by it. */
  readonly receivedAt: number;
  /** From the `correlation-id` header, the AMQP `correlationId` property, or the payload's `correlationId`. */
  readonly correlationId: string | undefined;
}

/** JSON when it parses, text otherwise: event payloads are JSON but a tap must not choke on anything else. */
export function decodeBody(raw: string): unknown {
  const first = raw.trimStart()[0];
  if (first !== '{' && first !== '[' && first !== '"') return raw;
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}
