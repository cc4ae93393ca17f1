// Two journeys at once, in two workers, on an OpenTelemetry stack that passes on only `traceparent`:
// each stubs the provider's quote its own way, places an order as its own customer, and sees only its
// own answer, its own Kafka and RabbitMQ messages, and its own rows. They meet through files
// (OTEL_RENDEZVOUS) so both stubs provably exist at once.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect, test } from 'compose-journeys';
import { z } from 'zod';

const DIR = process.env.OTEL_RENDEZVOUS ?? '/nonexistent';
const order = z.object({ id: z.string().uuid(), customer: z.string(), sku: z.string(), priceCents: z.number() });
const placed = z.object({ orderId: z.string(), priceCents: z.number() });

async function reached(worker: string, step: string): Promise<{ pid: number }> {
  const file = path.join(DIR, `${worker}.${step}`);
  const deadline = Date.now() + 45_000;
  while (!existsSync(file)) {
    if (Date.now() > deadline) throw new Error(`the other worker never ${step} (${file}): are two workers running?`);
    await sleep(50);
  }
  return JSON.parse(readFileSync(file, 'utf8'));
}

for (const [me, other, price] of [
  ['left', 'right', 1111],
  ['right', 'left', 2222],
] as const) {
  test(`${me}: its stub, its messages, its customer, while ${other} does the same`, async ({
    api,
    wiremock,
    kafkaTap,
    rabbitTap,
    correlationId,
  }) => {
    const mark = (step: string) => writeFileSync(path.join(DIR, `${me}.${step}`), JSON.stringify({ pid: process.pid }));
    const quote = { method: 'GET', urlPath: '/quote/widget' };
    await wiremock().stub({ request: quote, response: { status: 200, jsonBody: { priceCents: price } } });
    mark('stubbed');
    expect((await reached(other, 'stubbed')).pid, 'the two journeys run in two workers').not.toBe(process.pid);

    // The same provider call from both journeys: the api passes on only traceparent, and each gets its own stub.
    const created = await api
      .service('api')
      .post('/orders', { data: { sku: 'widget' } })
      .expect(201, order);
    expect(created).toMatchObject({ customer: `customer-${correlationId}`, priceCents: price });
    const [sent] = await wiremock().requests(quote);
    expect(sent!.headers.traceparent, 'the api passed on the journey trace').toContain(api.traceId);
    expect(sent!.headers['x-correlation-id'], 'and nothing else').toBeUndefined();

    // Journey-scoped taps: the message carries the journey's trace only in its traceparent header.
    await expect(kafkaTap).toHaveReceived(placed, { topic: 'orders.placed', where: (m) => m.orderId === created.id });
    await expect(rabbitTap).toHaveReceived(placed, { where: (m) => m.orderId === created.id });
    expect(kafkaTap.messages().map((m) => (m.value as { orderId: string }).orderId)).toEqual([created.id]);
    expect(rabbitTap.messages().map((m) => (m.value as { orderId: string }).orderId)).toEqual([created.id]);
    mark('checked');
    await reached(other, 'checked');
  });
}
