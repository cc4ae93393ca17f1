// A recorded message as the journey timeline and contract drift see it: what a tap puts on the
// journey's evidence at the end of its test. The broker-specific parts come from the message's kind.
import type { Observation } from '../report/observations.ts';
import { brokerKindOf, describeOrigin } from './broker-kinds.ts';
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
