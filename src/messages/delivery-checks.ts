// Delivery properties over the messages of one test: duplicates, and order per key.
import type { RecordedMessage } from './recorded-message.ts';

/** `key`: Kafka key (AMQP: messageId). `payload`: the same body bytes. Or any identity of your own. */
export type DuplicateIdentity = 'key' | 'payload' | ((message: RecordedMessage) => unknown);

export interface DuplicateGroup {
  readonly identity: string;
  readonly messages: readonly RecordedMessage[];
}

function identityOf(message: RecordedMessage, by: DuplicateIdentity): string | undefined {
  if (by === 'key') return message.key ?? undefined;
  if (by === 'payload') return message.raw;
  const identity = by(message);
  return identity === undefined || identity === null
    ? undefined
    : typeof identity === 'string'
      ? identity
      : JSON.stringify(identity);
}

/** Groups of two or more messages with the same identity; messages without one (e.g. no key) are never duplicates. */
export function findDuplicates(messages: readonly RecordedMessage[], by: DuplicateIdentity): DuplicateGroup[] {
  const groups = new Map<string, RecordedMessage[]>();
  for (const message of messages) {
    const identity = identityOf(message, by);
    if (identity === undefined) continue;
    const group = groups.get(identity);
    if (group) group.push(message);
    else groups.set(identity, [message]);
  }
  return [...groups]
    .filter(([, group]) => group.length > 1)
    .map(([identity, group]) => ({ identity, messages: group }));
}

export type Rank = number | string | bigint;

export interface OrderViolation {
  readonly key: string;
  /** Arrived first but ranks after `later`. */
  readonly earlier: RecordedMessage;
  readonly later: RecordedMessage;
  readonly earlierRank: Rank;
  readonly laterRank: Rank;
}

/**
 * Per key, arrival order must never go backwards by `rank` (equal ranks are fine: that is what the
 * duplicate check is for). Messages without a key, or with an undefined rank, are not ordered.
 */
export function findOrderViolations(
  messages: readonly RecordedMessage[],
  keyOf: (message: RecordedMessage) => string | null | undefined,
  rankOf: (message: RecordedMessage) => Rank | undefined,
): OrderViolation[] {
  const last = new Map<string, { message: RecordedMessage; rank: Rank }>();
  const violations: OrderViolation[] = [];
  for (const message of messages) {
    const key = keyOf(message);
    const rank = rankOf(message);
    if (key === null || key === undefined || rank === undefined) continue;
    const previous = last.get(key);
    if (previous && rank < previous.rank) {
      violations.push({ key, earlier: previous.message, later: message, earlierRank: previous.rank, laterRank: rank });
      continue; // keep the highest rank seen: one late message is one violation, not a cascade
    }
    last.set(key, { message, rank });
  }
  return violations;
}
