// Two journeys at once, in two workers, on an OpenTelemetry stack that passes on only `traceparent`:
// each stubs the provider's quote its own way, places an order as its own customer, and sees only its
// own answer, its own Kafka and RabbitMQ messages, and its own rows. They meet through files
// (OTEL_RENDEZVOUS) so both stubs provably exist at once.
import { expect, test } from 'compose-journeys';
import { z } from 'zod';
import { rendezvous } from '../../support/rendezvous.ts';

const order = z.object({ id: z.string().uuid(), customer: z.string(), sku: z.string(), priceCents: z.number() });
const placed = z.object({ orderId: z.string(), priceCents: z.number() });

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
    const { mark, reached } = rendezvous(process.env.OTEL_RENDEZVOUS, me);
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
