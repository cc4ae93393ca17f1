import { expect, test } from 'compose-journeys';

// PRODUCER=v2: the producer adds items[].discount and sends total as a string, on the bus and in the API.
const ORDERS = {
  v1: { orderId: 'o-7', total: 12.5, items: [{ sku: 'A-1', qty: 1 }] },
  v2: { orderId: 'o-7', total: '12.50', items: [{ sku: 'A-1', qty: 1, discount: 0.1 }] },
};
const order = ORDERS[(process.env.PRODUCER ?? 'v1') as keyof typeof ORDERS];

test.use({
  rabbitBindings: [{ exchange: 'amq.topic', pattern: 'orders.#' }],
  driftStrict: process.env.DRIFT_STRICT === '1',
});

test('an order is announced and served', async ({ api, stack, request, rabbitPublisher, rabbitTap }) => {
  await rabbitPublisher.publish('amq.topic', 'orders.placed', { value: order });
  await expect(rabbitTap).toHaveReceived({ where: (value) => (value as { orderId?: string }).orderId === 'o-7' });
  // The "producer" of the API: a stub set up outside the journey's own calls (plain request, not api).
  const stub = {
    request: { method: 'GET', url: '/orders/7' },
    response: { status: 200, headers: { 'Content-Type': 'application/json' }, jsonBody: order },
  };
  expect((await request.post(`${stack.endpoints.url('wiremock')}/__admin/mappings`, { data: stub })).status()).toBe(
    201,
  );
  await api.service('wiremock').get('/orders/7').expect(200);
});
