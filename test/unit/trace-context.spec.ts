// The journey as a W3C trace: its ids, and taps that take a message carrying the journey's trace id in
// `traceparent` (what OpenTelemetry's instrumentations propagate) as the journey's. No Docker.
import { randomUUID } from 'node:crypto';
import { test } from '@playwright/test';
import { expect } from 'compose-journeys';
import { DEFAULT_CORRELATION } from '../../src/messages/correlation.ts';
import { MessageLog } from '../../src/messages/message-log.ts';
import { MessageTap } from '../../src/messages/message-tap.ts';
import type { RecordedMessage } from '../../src/messages/recorded-message.ts';
import { newTraceId, traceIdIn, traceIdOf, traceparentFor } from '../../src/trace/trace-context.ts';

const JOURNEY = 'cj1-trace-journey-0a1b2c';
const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';

function kafka(value: Record<string, unknown>, headers: Record<string, string>): RecordedMessage {
  return {
    transport: 'kafka',
    topic: 'orders.placed',
    partition: 0,
    offset: '1',
    key: randomUUID(),
    headers,
    value,
    raw: JSON.stringify(value),
    timestamp: Date.now(),
    receivedAt: Date.now(),
    correlationId: undefined,
  } as RecordedMessage;
}

function journeyTap(messages: RecordedMessage[], traceId: string | null = TRACE): MessageTap {
  const log = new MessageLog();
  const tap = new MessageTap('kafka tap [orders.placed]', log, 0, undefined, Date.now() - 10, {
    correlationId: JOURNEY,
    location: DEFAULT_CORRELATION,
    ...(traceId && { traceId }),
  });
  for (const message of messages) log.append(message);
  return tap;
}

test('a journey trace id: 32 hex digits; every traceparent of it a fresh, sampled span', () => {
  const traceId = newTraceId();
  expect(traceId).toMatch(/^[0-9a-f]{32}$/);
  expect(newTraceId()).not.toBe(traceId);
  const first = traceparentFor(traceId);
  const second = traceparentFor(traceId);
  expect(first).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
  expect(second.split('-')[2]).not.toBe(first.split('-')[2]);
  expect(traceIdOf(first)).toBe(traceId);
});

test('traceparent values that carry no trace id are read as none', () => {
  expect(traceIdOf(`00-${TRACE}-00f067aa0ba902b7-01`)).toBe(TRACE);
  expect(traceIdOf(`00-${TRACE.toUpperCase()}-00F067AA0BA902B7-00`)).toBe(TRACE); // not sampled: still the trace
  expect(traceIdOf(`00-${'0'.repeat(32)}-00f067aa0ba902b7-01`)).toBeUndefined();
  expect(traceIdOf(`00-${TRACE}-${'0'.repeat(16)}-01`)).toBeUndefined();
  expect(traceIdOf(`ff-${TRACE}-00f067aa0ba902b7-01`)).toBeUndefined();
  expect(traceIdOf('not a traceparent')).toBeUndefined();
  expect(traceIdIn({ TraceParent: `00-${TRACE}-00f067aa0ba902b7-01` })).toBe(TRACE);
});

test("a journey-scoped tap takes a message carrying only the journey's traceparent, and leaves another trace's out", () => {
  const ours = kafka({ orderId: 'a' }, { traceparent: `00-${TRACE}-00f067aa0ba902b7-01` });
  const theirs = kafka({ orderId: 'b' }, { traceparent: `00-${newTraceId()}-00f067aa0ba902b7-01` });
  const byCorrelation = kafka({ orderId: 'c', correlationId: JOURNEY }, {});
  const tap = journeyTap([ours, theirs, byCorrelation]);
  expect(tap.messages()).toEqual([ours, byCorrelation]);
  expect(tap.excluded()).toEqual([theirs]);
  // Without the journey's trace id (a scope of the correlation id alone), a traceparent is not enough.
  expect(journeyTap([ours], null).messages()).toEqual([]);
});

test('on a stack that propagates nothing, the failure says no message carried the trace id, and what they carried', async () => {
  const untraced = kafka({ orderId: 'z' }, { 'content-type': 'application/json' });
  const otherTrace = kafka({ orderId: 'y' }, { traceparent: `00-${'ab'.repeat(16)}-00f067aa0ba902b7-01` });
  let message = '';
  try {
    await expect(journeyTap([untraced, otherTrace])).toHaveReceived({ timeout: 50 });
  } catch (error) {
    message = (error as Error).message;
  }
  expect(message).toContain(`and not this journey's trace id (${TRACE}, header traceparent) either`);
  expect(message).toContain('(carries no traceparent and no correlation id)');
  expect(message).toContain(`(carries traceparent of trace ${'ab'.repeat(16)})`);
  expect(message).toContain('passes on neither the trace context (`traceparent`');
});
