// W3C Trace Context (https://www.w3.org/TR/trace-context/): each journey owns a trace id, and every call it
// makes carries it in `traceparent`, the header OpenTelemetry instrumentations propagate into outbound HTTP,
// Kafka and AMQP headers. A service that propagates only that still marks what it does as the journey's.
import { randomBytes } from 'node:crypto';

export const TRACEPARENT_HEADER = 'traceparent';

/** 32 lower-case hex digits, never all zero (an all-zero id is invalid). */
export function newTraceId(): string {
  const id = randomBytes(16).toString('hex');
  return /^0+$/.test(id) ? newTraceId() : id;
}

/** A `traceparent` of `traceId` with a fresh span id, sampled (a collector keeps the journey's spans). */
export function traceparentFor(traceId: string): string {
  let span = randomBytes(8).toString('hex');
  while (/^0+$/.test(span)) span = randomBytes(8).toString('hex');
  return `00-${traceId}-${span}-01`;
}

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(?:-.*)?$/;

/** The trace id a `traceparent` value carries; undefined for anything that is not one (or version ff). */
export function traceIdOf(traceparent: string | undefined): string | undefined {
  const parsed = TRACEPARENT.exec(traceparent?.trim().toLowerCase() ?? '');
  if (!parsed || parsed[1] === 'ff' || /^0+$/.test(parsed[2]!) || /^0+$/.test(parsed[3]!)) return undefined;
  return parsed[2];
}

/** The trace id of a message's or request's headers (names compared case-insensitively). */
export function traceIdIn(headers: Readonly<Record<string, string>>): string | undefined {
  for (const [name, value] of Object.entries(headers))
    if (name.toLowerCase() === TRACEPARENT_HEADER) return traceIdOf(value);
  return undefined;
}
