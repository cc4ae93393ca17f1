// The brokers a tap records from. What does not care which broker a message came from (matching,
// journey scoping, the timeline, contract drift) asks the message's kind for what differs: how it is
// named and placed in text, which service role its broker has, what sends its messages. A new broker
// is a folder (its recorder, its connection, its entry) and one line in BUILT_IN, plus the tap
// fixture journeys call it by (fixtures/messages.ts).
import type { ServiceRole } from '../stack/service-roles.ts';
import { namesOf } from '../util/names-of.ts';
import { kafkaKind } from './kafka/broker-kind.ts';
import { amqpKind } from './rabbit/broker-kind.ts';
import type { RecordedMessage } from './recorded-message.ts';

export interface BrokerKind {
  /** The broker, for humans: `Kafka`. */
  readonly name: string;
  /** Its broker's service role in the stack: where its connection comes from (broker-service.ts). */
  readonly role: ServiceRole;
  /** Where a message sits, for failure messages and the report: `orders.placed[2]@41`. */
  origin(message: RecordedMessage): string;
  /**
   * Where a message travelled, after the transport: `orders.placed`, `shop.events/orders.paid`. The
   * run history keys payload shapes by `<transport> <address>` (contract drift): a change here makes
   * the next run miss its baseline.
   */
  address(message: RecordedMessage): string;
  /** What sends its messages, for a refused redelivery through another kind's: `the Kafka producer`. */
  readonly sender: string;
  /** What its messages travel through, as the coverage and the journey picture name it. */
  readonly channel: 'topic' | 'exchange';
  /** An `address` split into its channel and what picks the receivers in it: `shop.events` and `orders.paid`. */
  channelOf(address: string): { name: string; key?: string };
}

/** Keyed by what a recorded message's `transport` says. */
const BUILT_IN = { kafka: kafkaKind, amqp: amqpKind };

/** The built-in kinds' transports: `Transport` is built on it, so it names them. */
const TRANSPORTS = namesOf(BUILT_IN);
export type Transport = (typeof TRANSPORTS)[number];

const kinds = new Map<string, BrokerKind>(TRANSPORTS.map((transport) => [transport, BUILT_IN[transport]]));

/** Adds a kind beside the built-in ones (a test's in-memory broker); the function returned removes it. */
export function registerBrokerKind(transport: string, kind: BrokerKind): () => void {
  if (kinds.has(transport)) throw new Error(`A broker kind "${transport}" is registered already.`);
  kinds.set(transport, kind);
  return () => kinds.delete(transport);
}

/** The kind of a transport, or undefined when it is no broker's (`http`, `wiremock`). */
export function findBrokerKind(transport: string): BrokerKind | undefined {
  return kinds.get(transport);
}

export function brokerKindOf(transport: string): BrokerKind {
  const kind = kinds.get(transport);
  if (!kind)
    throw new Error(`No broker kind "${transport}" is registered; the kinds are ${[...kinds.keys()].join(', ')}.`);
  return kind;
}

/** Where a message sits, for humans: `orders.placed[2]@41` or `shop.events/orders.paid`. */
export function describeOrigin(message: RecordedMessage): string {
  return brokerKindOf(message.transport).origin(message);
}

/** A producer sends its own broker's messages only: another kind's is refused, saying what sends those. */
export function assertRedeliverable(message: RecordedMessage, through: Transport): void {
  if (message.transport === through) return;
  throw new Error(
    `Cannot redeliver a ${message.transport} message through ${brokerKindOf(through).name}; use ${brokerKindOf(message.transport).sender}.`,
  );
}
