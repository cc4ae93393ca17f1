import { CHARGES, expect, test } from '../fixtures.ts';

// payments puts a circuit breaker in front of the provider (compose/shop/services/src/circuit-breaker.ts):
// 10 failed attempts in a row open it for 3 s (CHARGE_BREAKER_* in compose/shop/compose.yml), then one
// probe goes out. The provider fails for every journey here (a stub with scope 'all'), so this runs
// alone, with the fault journeys.
const FAILURES = 10;
const PAUSE_MS = 3000;
const waitUntil = (at: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, at - Date.now())));

test('a provider that keeps failing opens the breaker: 10 attempts, no call for its pause, then one probe', async ({
  shop,
  unique,
  paymentProvider,
}) => {
  const sku = unique.sku();
  await test.step('stock 10 units', () => shop.stockProduct(sku, 10));
  const orderOne = () => shop.placeOrder([{ sku, quantity: 1, unitPriceCents: 300 }]);
  const settled = async () => (await shop.settledOrder((await orderOne()).id)).status;

  // Closed to start with: an order is paid (after the pause of a breaker an earlier attempt left open).
  const before = await test.step('the breaker starts closed: an order is paid', async () => {
    await expect.poll(settled, { timeout: 2 * PAUSE_MS + 5000, intervals: [PAUSE_MS / 2] }).toBe('PAID');
    return (await paymentProvider.requests(CHARGES, { scope: 'all' })).length;
  });

  const outage = await test.step('the provider answers 503 to everyone', () =>
    paymentProvider.stub({ request: CHARGES, response: { status: 503 } }, { scope: 'all' }));

  const opened = await test.step('four orders fail: 3 attempts each, the 10th in a row opens the breaker', async () => {
    for (let order = 0; order < 4; order++) expect(await settled()).toBe('PAYMENT_FAILED');
    await expect(paymentProvider).toHaveReceived(CHARGES, { times: before + FAILURES, scope: 'all' });
    return (await paymentProvider.requests(CHARGES, { scope: 'all' }))[before + FAILURES - 1]!.loggedAt.getTime();
  });

  await test.step('while it is open, orders fail at once and the provider is not called', async () => {
    expect(await settled()).toBe('PAYMENT_FAILED');
    expect(await settled()).toBe('PAYMENT_FAILED');
    await expect(paymentProvider).toHaveReceived(CHARGES, {
      times: before + FAILURES,
      scope: 'all',
      quiet: { for: PAUSE_MS - 500 },
    });
  });

  await test.step('after the pause, one probe: it fails, and the breaker opens again', async () => {
    await waitUntil(opened + PAUSE_MS + 100);
    expect(await settled()).toBe('PAYMENT_FAILED');
    await expect(paymentProvider).toHaveReceived(CHARGES, { times: before + FAILURES + 1, scope: 'all' });
    const probe = (await paymentProvider.requests(CHARGES, { scope: 'all' }))[before + FAILURES]!;
    expect(probe.loggedAt.getTime() - opened).toBeGreaterThanOrEqual(PAUSE_MS);
  });

  await test.step('the provider recovers: the next probe succeeds, the breaker closes, orders are paid', async () => {
    await outage.remove();
    await waitUntil(Date.now() + PAUSE_MS + 100);
    expect(await settled()).toBe('PAID');
    expect(await settled()).toBe('PAID');
  });
});
