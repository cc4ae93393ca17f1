// Calls as roles on a stack behind an identity provider: no token, the wrong role, another customer's
// data, and a journey longer than the token lifetime (the IdP here issues 4 s tokens).
import { expect, test } from 'compose-journeys';
import { z } from 'zod';

const order = z.object({ id: z.string().uuid(), customer: z.string(), status: z.string() });
const stats = z.object({ grants: z.record(z.string(), z.number()) });

test('401 without a token, 403 for the wrong role, staff refunds', async ({ api }) => {
  const orders = api.service('api');
  const created = await orders.post('/orders', { data: { sku: 'gadget' } }).expect(201, order);
  await orders.as(null).get(`/orders/${created.id}`).expect(401);
  await orders.post(`/orders/${created.id}/refund`).expect(403);
  const refunded = await orders.as('staff').post(`/orders/${created.id}/refund`).expect(200, order);
  expect(refunded.status).toBe('REFUNDED');
});

test("another customer sees nothing of this journey's orders", async ({ api, correlationId }) => {
  const orders = api.service('api');
  const mine = await orders.post('/orders', { data: { sku: 'gizmo' } }).expect(201, order);
  expect(mine.customer).toBe(`customer-${correlationId}`);
  await orders.as('otherCustomer').get(`/orders/${mine.id}`).expect(404);
  await orders.get(`/orders/${mine.id}`).expect(200, order);
});

test('a journey longer than its token: renewed before it expires, the IdP asked once plus once per renewal', async ({
  api,
}) => {
  test.setTimeout(40_000);
  const idp = api.service('idp').as(null);
  const grantsBefore = (await idp.get('/stats').expect(200, stats)).grants['night-batch'] ?? 0;
  const orders = api.service('api').as('nightBatch');
  const tokens = new Set<string>();
  const until = Date.now() + 10_000; // 2.5 token lifetimes
  while (Date.now() < until) {
    // Before and after the call: whichever token the call used is in the set, even one renewed in between.
    tokens.add(await api.token('nightBatch'));
    // Staff may read any order id: a 404 for an unknown one proves the token was accepted (a 401 otherwise).
    await orders.get('/orders/00000000-0000-4000-8000-000000000000').expect(404);
    tokens.add(await api.token('nightBatch'));
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  const grants = (await idp.get('/stats').expect(200, stats)).grants['night-batch'] ?? 0;
  expect(tokens.size).toBeGreaterThanOrEqual(3);
  expect(grants - grantsBefore, 'token requests: one per token this journey used, no more').toBe(tokens.size);
});
