// A recorded message as the journey timeline and contract drift see it: what a tap puts on the
// journey's evidence at the end of its test. The broker-specific parts come from the message's kind.
import type { Observation } from '../report/observations.ts';
import { type BrokerKind, brokerKindOf, describeOrigin, findBrokerKind } from './broker-kinds.ts';
import type { RecordedMessage } from './recorded-message.ts';

export function messageObservation(message: RecordedMessage, tapName: string): Observation {
  return {
    kind: message.transport,
    at: message.receivedAt,
    correlationId: message.correlationId,
    summary: `${describeOrigin(message)} key=${message.key ?? '-'} (${tapName})`,
    detail: message.value,
    channel: `${message.transport} ${brokerKindOf(message.transport).address(message)}`,
    payload: message.value,
  };
}

/**
 * Where an observed message travelled, by its kind: the channel (a topic, an exchange) and what
 * picked its receivers there (a routing key). Undefined for an observation that is no message.
 */
export function travelledChannel(observation: {
  kind: string;
  channel?: string;
}): { broker: BrokerKind; channel: BrokerKind['channel']; name: string; key?: string } | undefined {
  const broker = findBrokerKind(observation.kind);
  const prefix = `${observation.kind} `;
  if (!broker || !observation.channel?.startsWith(prefix)) return undefined;
  return { broker, channel: broker.channel, ...broker.channelOf(observation.channel.slice(prefix.length)) };
}
