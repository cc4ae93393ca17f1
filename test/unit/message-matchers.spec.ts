// The message matchers and journey-scoped taps on hand-made logs: no broker, so each case is exact.
import { randomUUID } from 'node:crypto';
import { test } from '@playwright/test';
import { expect } from 'compose-journeys';
import { inventoryReserved } from '../../journeys/shop/contracts.ts';
import { DEFAULT_CORRELATION } from '../../src/messages/correlation.ts';
import { MessageLog } from '../../src/messages/message-log.ts';
import { MessageTap } from '../../src/messages/message-tap.ts';
import type { RecordedMessage } from '../../src/messages/recorded-message.ts';
import { resetDeprecations } from '../../src/util/deprecation.ts';
import { failureOf } from '../support/failure-of.ts';

const JOURNEY = 'cj1-last-item-race-0a1b2c';

function amqp(value: Record<string, unknown>, headers: Record<string, string> = {}): RecordedMessage {
  return {
    transport: 'amqp',
    exchange: 'shop.events',
    topic: String(value.type),
    key: randomUUID(),
    headers,
    value,
    raw: JSON.stringify(value),
    timestamp: Date.now(),
    receivedAt: Date.now(),
    correlationId: (value.correlationId as string) ?? headers['correlation-id'],
  };
}

function reservation(orderId: string, correlationId = JOURNEY): RecordedMessage {
  return amqp({
    type: 'inventory.reserved',
    eventId: randomUUID(),
    orderId,
    correlationId,
    occurredAt: new Date().toISOString(),
    items: [{ sku: 'sku-1', quantity: 1 }],
    amountCents: 4200,
    cardToken: 'tok_visa',
  });
}

/** A tap narrowed to the journey, over a log that already holds `messages`. */
function journeyTap(messages: RecordedMessage[]): MessageTap {
  const log = new MessageLog();
  const tap = new MessageTap('rabbitmq tap [shop.events #]', log, 0, undefined, Date.now() - 10, {
    correlationId: JOURNEY,
    location: DEFAULT_CORRELATION,
  });
  for (const message of messages) log.append(message);
  return tap;
}

test('the race journey\'s "reserved once" passes on one reservation and fails on a doctored log with two', async () => {
  const [first, second] = [randomUUID(), randomUUID()];
  await expect(journeyTap([reservation(first)])).toHaveReceived(inventoryReserved, { times: 1 });

  // Both concurrent orders reserved the last unit: the bug the journey exists to catch.
  const message = await failureOf(
    expect(journeyTap([reservation(first), reservation(second)])).toHaveReceived(inventoryReserved, { times: 1 }),
  );
  expect(message).toContain('expect(rabbitmq tap [shop.events #]).toHaveReceived(schema, { times: 1, timeout: ');
  expect(message).toContain('Expected exactly 1 message matching schema "inventory.reserved event", received 2:');
  expect(message).toContain(first);
  expect(message).toContain(second);
});

test('times: the quiet window runs from the last arrival, so a check long after it does not wait', async () => {
  const early = { ...reservation(randomUUID()), receivedAt: Date.now() - 2_000 };
  const started = Date.now();
  await expect(journeyTap([early])).toHaveReceived(inventoryReserved, { times: 1 });
  expect(Date.now() - started).toBeLessThan(500);
  const recent = reservation(randomUUID());
  const waited = Date.now();
  await expect(journeyTap([recent])).toHaveReceived(inventoryReserved, { times: 1 });
  expect(Date.now() - waited).toBeGreaterThanOrEqual(900);
});

test('times: too few within the timeout says how many came', async () => {
  const message = await failureOf(expect(journeyTap([])).toHaveReceived(inventoryReserved, { times: 1, timeout: 100 }));
  expect(message).toContain('Expected 1 message matching schema "inventory.reserved event" within 100 ms, received 0.');
});

test('a journey-scoped tap holds only its correlation id, and a failure says what it left out and why', async () => {
  const theirs = reservation(randomUUID(), 'cj1-another-journey-ffff');
  const unmarked = amqp({ type: 'inventory.reserved', note: 'no correlation id' });
  const ours = reservation(randomUUID());
  const tap = journeyTap([theirs, unmarked, ours]);
  expect(tap.messages()).toEqual([ours]);
  expect(tap.excluded()).toEqual([theirs, unmarked]);

  const message = await failureOf(
    expect(tap).toHaveReceived({
      where: (value) => (value as { note?: string }).note === 'no correlation id',
      timeout: 50,
    }),
  );
  expect(message).toContain(
    "1 matching message arrived during this test but carries another journey's correlation id or none",
  );
  expect(message).toContain(
    `narrowed to this journey, ${JOURNEY}, read from header correlation-id, header correlationId, header x-correlation-id, payload field correlationId`,
  );
  expect(message).toContain("`test.use({ tapScope: 'window' })`");
});

test('the correlation id can be read from any header or a nested payload field', async () => {
  const log = new MessageLog();
  const tap = new MessageTap('kafka tap [t]', log, 0, undefined, Date.now(), {
    correlationId: JOURNEY,
    location: { headers: ['X-Request-Id'], field: 'meta.trace' },
  });
  const byHeader = amqp({ type: 'a' }, { 'x-request-id': JOURNEY });
  const byField = amqp({ type: 'b', meta: { trace: JOURNEY } });
  const neither = amqp({ type: 'c', correlationId: JOURNEY }); // the default field is not configured here
  for (const message of [byHeader, byField, neither]) log.append(message);
  expect(tap.messages()).toEqual([byHeader, byField]);
});

test.describe('timeouts follow expect', () => {
  test('toHaveReceived waits expect.timeout by default', async () => {
    const short = expect.configure({ timeout: 150 });
    const started = Date.now();
    const message = await failureOf(short(journeyTap([])).toHaveReceived(inventoryReserved));
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(message).toContain('no message matching schema "inventory.reserved event" within 150 ms.');
  });

  test('.not watches a quiet window of 1 s unless given a timeout, and fails as soon as one arrives', async () => {
    const tap = journeyTap([]);
    const started = Date.now();
    await expect(tap).not.toHaveReceived(inventoryReserved);
    expect(Date.now() - started).toBeGreaterThanOrEqual(990);

    const log = new MessageLog();
    const watched = new MessageTap('tap', log, 0, undefined, Date.now(), {
      correlationId: JOURNEY,
      location: DEFAULT_CORRELATION,
    });
    setTimeout(() => log.append(reservation(randomUUID())), 50);
    const failedAt = Date.now();
    const message = await failureOf(expect(watched).not.toHaveReceived(inventoryReserved, { timeout: 10_000 }));
    expect(Date.now() - failedAt).toBeLessThan(5_000);
    expect(message).toContain(
      'Expected no message matching schema "inventory.reserved event" within 10000 ms, but one arrived:',
    );
  });

  test('within, the old name of timeout, still works: deprecated with one warning per process, and timeout wins', async () => {
    resetDeprecations();
    const warnings: (Error & { code?: string })[] = [];
    const listen = (warning: Error) => warnings.push(warning);
    process.on('warning', listen);
    try {
      let started = Date.now();
      const waited = await failureOf(expect(journeyTap([])).toHaveReceived(inventoryReserved, { within: 150 }));
      expect(Date.now() - started).toBeGreaterThanOrEqual(140);
      expect(waited).toContain('toHaveReceived(schema, { timeout: 150 })');
      expect(waited).toContain('no message matching schema "inventory.reserved event" within 150 ms.');

      started = Date.now();
      const both = await failureOf(
        expect(journeyTap([])).toHaveReceived(inventoryReserved, { timeout: 100, within: 10_000 }),
      );
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(both).toContain('within 100 ms.');

      // The delivery checks take it too: watched that long, a late redelivery is caught.
      const log = new MessageLog();
      const tap = new MessageTap('tap', log, 0, undefined, Date.now() - 10, {
        correlationId: JOURNEY,
        location: DEFAULT_CORRELATION,
      });
      const first = reservation(randomUUID());
      log.append(first);
      setTimeout(() => log.append({ ...first, receivedAt: Date.now() }), 50);
      const duplicate = await failureOf(expect(tap).toHaveNoDuplicates({ within: 5_000 }));
      expect(duplicate).toContain('1 duplicate group by key');
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', listen);
    }
    expect(warnings.map((warning) => `${warning.name} ${warning.code}`)).toEqual(['DeprecationWarning CJ_DEP_WITHIN']);
    expect(warnings[0]!.message).toContain(
      'expect(tap).toHaveReceived(…, { within: 150 }) uses within, deprecated and removed in 0.3.0: use { timeout: 150 } (the same milliseconds).',
    );
  });
});
