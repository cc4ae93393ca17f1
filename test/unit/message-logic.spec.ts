// The pure parts: matching and ranking, delivery checks, the timeline, advertised Kafka addresses.
import { expect, test } from '@playwright/test';
import { z } from 'zod';
import { findDuplicates, findOrderViolations } from '../../src/messages/delivery-checks.ts';
import { advertisedKafkaAddresses } from '../../src/messages/kafka/advertised-address.ts';
import { evaluate, formatClosest, rankClosest } from '../../src/messages/match.ts';
import { MessageLog } from '../../src/messages/message-log.ts';
import { MessageTap } from '../../src/messages/message-tap.ts';
import type { RecordedMessage } from '../../src/messages/recorded-message.ts';

const T0 = Date.parse('2026-01-01T00:00:00Z');
function message(value: unknown, extra: Partial<RecordedMessage> = {}): RecordedMessage {
  const raw = JSON.stringify(value);
  return {
    transport: 'kafka',
    topic: 't',
    partition: 0,
    offset: '0',
    key: null,
    headers: {},
    value,
    raw,
    timestamp: T0,
    receivedAt: T0,
    correlationId: undefined,
    ...extra,
  };
}
const event = z.object({ id: z.string(), n: z.number() });

test('ranking: right topic, then where passed, then fewest zod issues', () => {
  const expectation = { schema: event, topic: 't', where: (value: { id: string }) => value.id === 'a' };
  const wrongTopic = message({ id: 'a', n: 1 }, { topic: 'u' });
  const otherEntity = message({ id: 'b', n: 1 });
  const badField = message({ id: 'a', n: 'x' });
  const ranked = rankClosest([wrongTopic, otherEntity, badField].map((m) => evaluate(m, expectation))).map(
    (e) => e.message,
  );
  expect(ranked).toEqual([badField, otherEntity, wrongTopic]);
  expect(evaluate(badField, expectation).issues).toEqual(['n: Invalid input: expected number, received string']);
  const text = formatClosest([wrongTopic, otherEntity, badField], expectation, T0, 2);
  expect(text).toContain(
    'Received 3 messages in this test (closest first):\n  1. +0 ms t[0]@0 — where ✓, schema ✗ (1 issue)',
  );
  expect(text).toContain('  … and 1 more (see journey-timeline.md)');
});

test('a where that throws is reported, not thrown', () => {
  const evaluation = evaluate(message('plain text'), { where: (value) => (value as { a: { b: string } }).a.b === 'x' });
  expect(evaluation.matches).toBe(false);
  expect(evaluation.where).toEqual({ threw: expect.stringContaining('Cannot read properties of undefined') });
});

test('duplicates by key, payload and custom identity; keyless messages are never duplicates', () => {
  const a1 = message({ n: 1 }, { key: 'a' });
  const a2 = message({ n: 2 }, { key: 'a' });
  const b = message({ n: 1 }, { key: 'b' });
  const none = message({ n: 1 });
  expect(findDuplicates([a1, a2, b, none], 'key')).toEqual([{ identity: 'a', messages: [a1, a2] }]);
  expect(findDuplicates([a1, a2, b, none], 'payload')).toEqual([{ identity: '{"n":1}', messages: [a1, b, none] }]);
  expect(findDuplicates([a1, a2, b], (m) => (m.value as { n: number }).n % 2)).toEqual([
    { identity: '1', messages: [a1, b] },
  ]);
});

test('order per key: one late message is one violation, other keys unaffected', () => {
  const seq = (key: string, n: number) => message({ n }, { key });
  const messages = [seq('a', 1), seq('b', 2), seq('a', 3), seq('a', 2), seq('b', 3), seq('a', 4)];
  const violations = findOrderViolations(
    messages,
    (m) => m.key,
    (m) => (m.value as { n: number }).n,
  );
  expect(violations.map((v) => [v.key, v.earlierRank, v.laterRank])).toEqual([['a', 3, 2]]);
});

test('a tap waits push-style, ignores what it does not accept, and freezes when closed', async () => {
  const log = new MessageLog();
  log.append(message({ n: 0 }));
  const window = new MessageTap(
    'tap',
    log,
    log.length,
    {
      accept: (m) => (m.value as { n: number }).n !== 99,
      explainExcluded: (excluded) => `left out: ${excluded.length}`,
    },
    T0,
  );
  const waiting = window.waitFor((m) => (m.value as { n: number }).n >= 1, 1_000);
  log.append(message({ n: 99 }));
  log.append(message({ n: 1 }));
  expect((await waiting)?.value).toEqual({ n: 1 });
  expect(window.messages().map((m) => m.value)).toEqual([{ n: 1 }]);
  expect(window.excluded().map((m) => m.value)).toEqual([{ n: 99 }]);
  expect(window.explainExcluded(window.excluded())).toBe('left out: 1');
  expect(window.explainExcluded([])).toBeUndefined();
  window.close();
  log.append(message({ n: 2 }));
  expect(window.messages()).toHaveLength(1);
  expect(await window.waitFor(() => true, 10)).toEqual(message({ n: 1 }));
  log.fail(new Error('consumer crashed'));
  await expect(new MessageTap('tap', log, log.length).waitFor(() => true, 1_000)).rejects.toThrow('consumer crashed');
});

test('advertised Kafka addresses from the resolved environment', () => {
  const apache = {
    KAFKA_LISTENERS: 'PLAINTEXT://:9092,CONTROLLER://:9093',
    KAFKA_ADVERTISED_LISTENERS: 'PLAINTEXT://kafka:9092',
  };
  expect(advertisedKafkaAddresses('kafka', 9092, apache)).toEqual(['kafka:9092']);
  expect(
    advertisedKafkaAddresses('broker', 9092, {
      KAFKA_LISTENERS: 'INTERNAL://:9092,EXTERNAL://:19092',
      KAFKA_ADVERTISED_LISTENERS: 'INTERNAL://broker:29092,EXTERNAL://localhost:19092',
    }),
  ).toEqual(['broker:29092']);
  expect(advertisedKafkaAddresses('kafka', 9092, { KAFKA_ADVERTISED_HOST: 'k1' })).toEqual(['k1:9092']);
  expect(advertisedKafkaAddresses('kafka', 9092, {})).toEqual(['kafka:9092']);
});
