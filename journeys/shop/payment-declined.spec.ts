import { test, expect } from '../../fixtures/index.ts';
import { Shop, uniqueSku } from './shop.ts';

test('a declined card fails the order and releases the stock', async ({ request, stack }) => {
  const shop = new Shop(request, stack);
  const sku = uniqueSku();
  await test.step('stock 4 units', () => shop.stockProduct(sku, 4));

  const placed = await test.step('the customer orders 3 units with a card the provider declines', () =>
    shop.placeOrder([{ sku, quantity: 3, unitPriceCents: 700 }], 'tok_declined'));

  await test.step('the order is PAYMENT_FAILED', async () => {
    expect(await shop.settledOrder(placed.id)).toMatchObject({ status: 'PAYMENT_FAILED' });
  });

  await test.step('the payment is stored as DECLINED after exactly one charge attempt', async () => {
    expect(await shop.list('payments', `/payments?orderId=${placed.id}`)).toEqual([expect.objectContaining({ status: 'DECLINED', amountCents: 2100 })]);
    expect(await shop.chargeRequests(placed.id)).toHaveLength(1);
  });

  await test.step('inventory released the reservation: all 4 units are back', async () => {
    await expect.poll(() => shop.product(sku), { timeout: 10_000 }).toMatchObject({ stock: 4, reserved: 0 });
    expect(await shop.list('inventory', `/reservations?orderId=${placed.id}`)).toEqual([expect.objectContaining({ status: 'RELEASED' })]);
  });
});
