// A broker kind registered in the test, in memory (no Docker): what src/messages does without caring
// which broker a message came from (describing it for failures and the report, journey scoping,
// finding its broker by role) works for it as for Kafka and RabbitMQ. A third broker relies on that.
import { test } from '@playwright/test';
import { expect } from '../../fixtures/expect.ts';
import { journeyCoverage } from '../../src/coverage/journey-coverage.ts';
import {
  assertRedeliverable,
  type BrokerKind,
  brokerKindOf,
  describeOrigin,
  registerBrokerKind,
  type Transport,
} from '../../src/messages/broker-kinds.ts';
import { brokerService } from '../../src/messages/broker-service.ts';
import { correlationIdIn, DEFAULT_CORRELATION } from '../../src/messages/correlation.ts';
import { formatMessageHeadline } from '../../src/messages/match.ts';
import { MessageLog } from '../../src/messages/message-log.ts';
import { messageObservation } from '../../src/messages/message-observation.ts';
import { MessageTap } from '../../src/messages/message-tap.ts';
import type { RecordedMessage } from '../../src/messages/recorded-message.ts';
import { journeyPictureOf } from '../../src/report/journey-picture.ts';
import type { StackState } from '../../src/stack/stack-state.ts';
import { newTraceId, traceparentFor } from '../../src/trace/trace-context.ts';
import { failureOf } from '../support/failure-of.ts';

// Registered at run time, so outside the built-in `Transport` union.
const MEMQ = 'memq' as Transport;
const memq: BrokerKind = {
  name: 'MemQ',
  role: 'rabbitmq',
  origin: (message) => `memq://${message.topic}#${message.offset}`,
  address: (message) => `queue:${message.topic}`,
  sender: 'the MemQ sender',
  channel: 'topic',
  channelOf: (address) => ({ name: address.replace(/^queue:/, '') }),
};

let unregister: () => void;
test.beforeAll(() => {
  unregister = registerBrokerKind(MEMQ, memq);
});
test.afterAll(() => unregister());

const T0 = Date.parse('2026-01-01T00:00:00Z');
const JOURNEY = 'cj1-memq-journey-0a1b2c';

/** The n-th message on queue `orders`, received n ms after T0. */
function memqMessage(n: number, headers: Record<string, string>, value: Record<string, unknown>): RecordedMessage {
  return {
    transport: MEMQ,
    topic: 'orders',
    offset: String(n),
    key: null,
    headers,
    value,
    raw: JSON.stringify(value),
    timestamp: T0 + n,
    receivedAt: T0 + n,
    correlationId: correlationIdIn(headers, value),
  };
}

function tapOver(messages: readonly RecordedMessage[], scope?: ConstructorParameters<typeof MessageTap>[5]) {
  const log = new MessageLog();
  const tap = new MessageTap('memq tap [orders]', log, 0, undefined, T0, scope);
  for (const message of messages) log.append(message);
  return tap;
}

test('renders: the report and the failure messages describe its messages by its kind', async () => {
  const message = memqMessage(3, { 'correlation-id': JOURNEY }, { n: 3 });
  expect(describeOrigin(message)).toBe('memq://orders#3');
  expect(formatMessageHeadline(message, T0)).toBe(`+3 ms memq://orders#3 correlation=${JOURNEY}`);
  expect(messageObservation(message, 'memq tap [orders]')).toEqual({
    kind: 'memq',
    at: T0 + 3,
    correlationId: JOURNEY,
    summary: 'memq://orders#3 key=- (memq tap [orders])',
    detail: { n: 3 },
    channel: 'memq queue:orders',
    payload: { n: 3 },
  });

  const failure = await failureOf(expect(tapOver([message])).toHaveReceived({ topic: 'payments', timeout: 50 }));
  expect(failure).toContain('memq tap [orders]: no message matching topic "payments" within 50 ms.');
  expect(failure).toContain(`1. +3 ms memq://orders#3 correlation=${JOURNEY} — other topic, schema ✓`);

  expect(() => assertRedeliverable(message, 'kafka')).toThrow(
    'Cannot redeliver a memq message through Kafka; use the MemQ sender.',
  );
  expect(() => assertRedeliverable({ ...message, transport: 'amqp' }, MEMQ)).toThrow(
    'Cannot redeliver a amqp message through MemQ; use the RabbitMQ publisher.',
  );
  expect(() => assertRedeliverable(message, MEMQ)).not.toThrow();
});

test("scopes: a journey-scoped tap keeps the journey's messages (traceparent or correlation id) and leaves out the others", async () => {
  const traceId = newTraceId();
  const byHeader = memqMessage(1, { 'correlation-id': JOURNEY }, { n: 1 });
  const byTraceparent = memqMessage(2, { traceparent: traceparentFor(traceId) }, { n: 2 });
  const byPayload = memqMessage(3, {}, { n: 3, correlationId: JOURNEY });
  const anotherJourney = memqMessage(4, { 'correlation-id': 'cj1-another-journey-ffff' }, { n: 4 });
  const anotherTrace = memqMessage(5, { traceparent: traceparentFor(newTraceId()) }, { n: 5 });
  const unmarked = memqMessage(6, {}, { n: 6 });
  const all = [byHeader, byTraceparent, byPayload, anotherJourney, anotherTrace, unmarked];

  const tap = tapOver(all, { correlationId: JOURNEY, location: DEFAULT_CORRELATION, traceId });
  expect(tap.messages()).toEqual([byHeader, byTraceparent, byPayload]);
  expect(tap.excluded()).toEqual([anotherJourney, anotherTrace, unmarked]);
  expect(tapOver(all).messages(), 'a window tap keeps every message').toEqual(all);

  const failure = await failureOf(
    expect(tap).toHaveReceived({ where: (value) => (value as { n: number }).n === 4, timeout: 50 }),
  );
  expect(failure).toContain(
    "1 matching message arrived during this test but carries another journey's correlation id or none",
  );
  expect(failure).toContain(
    '+4 ms memq://orders#4 correlation=cj1-another-journey-ffff (carries correlation id cj1-another-journey-ffff)',
  );
});

test('counts and draws: its messages are covered on its broker and get a lane of their own in the journey picture', () => {
  const observation = {
    ...messageObservation(memqMessage(1, { 'correlation-id': JOURNEY }, { n: 1 }), 'memq tap [orders]'),
    sequence: 1,
    at: new Date(T0 + 1),
  };
  const touched = journeyCoverage([observation], { rabbitmq: ['queue'] }, new Map());
  expect(touched).toEqual([{ kind: 'topic', service: 'queue', name: 'orders', seen: [] }]);
  // Without a service of its broker's role, there is nothing to count it for.
  expect(journeyCoverage([observation], { rabbitmq: [] }, new Map())).toEqual([]);

  const picture = journeyPictureOf({ title: 'memq', since: new Date(T0), observations: [observation], events: [] });
  expect(picture.lanes).toEqual([
    { name: 'journey', kind: 'journey' },
    { name: 'memq orders', kind: 'topic' },
  ]);
  expect(picture.effects).toMatchObject([{ kind: 'message', lane: 'memq orders', label: 'memq://orders#1 key=-' }]);
});

test("finds its broker by its role, at the role's usual port", () => {
  const endpoint = {
    service: 'queue',
    containerPort: 5672,
    protocol: 'tcp',
    host: '127.0.0.1',
    port: 40_001,
    url: 'amqp://127.0.0.1:40001',
  };
  const state = {
    roles: { postgres: [], kafka: [], rabbitmq: ['queue'], wiremock: [] },
    environment: { queue: { QUEUE_USER: 'memq' }, app: {} },
    endpoints: [endpoint],
  } as unknown as StackState;
  expect(brokerService(state, brokerKindOf(MEMQ), 'The MemQ tap')).toMatchObject({
    service: 'queue',
    environment: { QUEUE_USER: 'memq' },
    endpoint,
  });
  const without = { ...state, roles: { ...state.roles, rabbitmq: [] } };
  expect(() => brokerService(without, memq, 'The MemQ tap')).toThrow(
    'The MemQ tap needs a rabbitmq service, and the stack has none that looks like one',
  );
});

test('the built-in kinds keep their texts (the run history keys payload shapes by channel)', () => {
  const base = {
    key: null,
    headers: {},
    value: {},
    raw: '{}',
    timestamp: T0,
    receivedAt: T0,
    correlationId: undefined,
  };
  const kafka: RecordedMessage = { ...base, transport: 'kafka', topic: 'orders.placed', partition: 2, offset: '41' };
  const amqp: RecordedMessage = { ...base, transport: 'amqp', topic: 'orders.paid', exchange: '' };
  expect(describeOrigin(kafka)).toBe('orders.placed[2]@41');
  expect(describeOrigin(amqp)).toBe('(default exchange)/orders.paid');
  expect(messageObservation(kafka, 'k').channel).toBe('kafka orders.placed');
  expect(messageObservation(amqp, 'r').channel).toBe('amqp (default)/orders.paid');
  expect(messageObservation({ ...amqp, exchange: 'shop.events' }, 'r').channel).toBe('amqp shop.events/orders.paid');
});

test('a kind is registered once, and an unknown one is named with the kinds there are', () => {
  expect(() => registerBrokerKind(MEMQ, memq)).toThrow('A broker kind "memq" is registered already.');
  expect(() => brokerKindOf('nats')).toThrow('No broker kind "nats" is registered; the kinds are kafka, amqp, memq.');
});
