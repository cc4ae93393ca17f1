// The shop behind its identity provider: every call needs a token, roles decide what it may do, and a
// customer sees only their own orders. Calls go as the journey's own customer (playwright.config.ts).
import { clientCredentials } from 'compose-journeys';
import { z } from 'zod';
import { expect, order, test } from './fixtures.ts';
import { shopRoles } from './roles.ts';

test('no token is 401, a customer refunding is 403, staff refund a paid order', async ({ shop, unique }) => {
  const sku = unique.sku();
  await shop.stockProduct(sku, 3);
  const placed = await shop.placeOrder([{ sku, quantity: 1, unitPriceCents: 990 }]);
  await test.step('anonymous: 401', () => shop.orders.as(null).get(`/orders/${placed.id}`).expect(401));
  expect(await shop.settledOrder(placed.id)).toMatchObject({ status: 'PAID' });
  await test.step('the customer may not refund: 403', () =>
    shop.orders.post(`/orders/${placed.id}/refund`).expect(403));
  const refunded = await test.step('staff refund it', () =>
    shop.orders.as('staff').post(`/orders/${placed.id}/refund`).expect(200, order));
  expect(refunded.status).toBe('REFUNDED');
});

test("another customer sees nothing of this customer's orders", async ({ shop, unique, correlationId }) => {
  const sku = unique.sku();
  await shop.stockProduct(sku, 3);
  const mine = await shop.placeOrder([{ sku, quantity: 1, unitPriceCents: 1990 }]);
  expect(mine.customerId).toBe(`customer-${correlationId}`);
  const other = shop.orders.as('otherCustomer');
  await other.get(`/orders/${mine.id}`).expect(404);
  await other.get('/orders', { params: { customer: mine.customerId } }).expect(403);
  const own = await shop.orders.get('/orders', { params: { customer: mine.customerId } }).expect(200, z.array(order));
  expect(own.map((o) => o.id)).toEqual([mine.id]);
});

test.describe('a night shift longer than its token', () => {
  // A staff client of its own, so the identity provider's count is this journey's alone.
  test.use({
    roles: {
      ...shopRoles,
      auditor: clientCredentials({
        issuer: 'http://idp:8080',
        clientId: 'night-audit',
        clientSecret: 'night-audit-secret-6a0b',
      }),
    },
  });

  test('renewed before each expiry: never a 401, the IdP asked once plus once per renewal', async ({
    api,
    shop,
    unique,
  }) => {
    test.setTimeout(60_000);
    const grants = z.object({ grants: z.record(z.string(), z.number()) });
    const asked = async () =>
      (await api.service('idp').as(null).get('/stats').expect(200, grants)).grants['night-audit'] ?? 0;
    const before = await asked();
    const sku = unique.sku();
    await shop.stockProduct(sku, 1);
    const placed = await shop.placeOrder([{ sku, quantity: 1, unitPriceCents: 500 }]);
    const auditor = shop.orders.as('auditor');
    const tokens = new Set<string>();
    const until = Date.now() + 20_000; // 2.5 lifetimes of the shop's 8 s tokens
    while (Date.now() < until) {
      tokens.add(await api.token('auditor'));
      await auditor.get(`/orders/${placed.id}`).expect(200, order);
      tokens.add(await api.token('auditor')); // a token renewed during the call is counted too
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(tokens.size).toBeGreaterThanOrEqual(3);
    expect((await asked()) - before, 'token requests: one per token used, no more').toBe(tokens.size);
  });
});
