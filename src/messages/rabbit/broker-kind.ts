// RabbitMQ (AMQP) as the broker-agnostic parts of src/messages see it (broker-kinds.ts). A message's
// `topic` is its routing key; the exchange is part of where it sits.
import type { BrokerKind } from '../broker-kinds.ts';

export const amqpKind: BrokerKind = {
  name: 'RabbitMQ',
  role: 'rabbitmq',
  origin: (message) => `${message.exchange || '(default exchange)'}/${message.topic}`,
  address: (message) => `${message.exchange || '(default)'}/${message.topic}`,
  sender: 'the RabbitMQ publisher',
  channel: 'exchange',
  channelOf: (address) => {
    const slash = address.indexOf('/');
    return slash < 0 ? { name: address } : { name: address.slice(0, slash), key: address.slice(slash + 1) };
  },
};
