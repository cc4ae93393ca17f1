// Kafka as the broker-agnostic parts of src/messages see it (broker-kinds.ts).
import type { BrokerKind } from '../broker-kinds.ts';

export const kafkaKind: BrokerKind = {
  name: 'Kafka',
  role: 'kafka',
  origin: (message) => `${message.topic}[${message.partition}]@${message.offset}`,
  address: (message) => message.topic,
  sender: 'the Kafka producer',
  channel: 'topic',
  channelOf: (address) => ({ name: address }),
};
