import { test, expect } from '../../fixtures/index.ts';
import { Shop, uniqueSku } from './shop.ts';

test('an order for more than the stock is rejected and never charged', async ({ request, stack }) => {
  const shop = new Shop(request, stack);
  const sku = uniqueSku();
  await test.step('stock 1 unit', () => shop.stockProduct(sku, 1));

  const placed = await test.step('the customer orders 3 units', () => shop.placeOrder([{ sku, quantity: 3, unitPriceCents: 900 }]));

  await test.step('the order is REJECTED as out of stock', async () => {
    expect(await shop.settledOrder(placed.id)).toMatchObject({ status: 'REJECTED', statusReason: 'OUT_OF_STOCK' });
  });

  await test.step('stock is untouched and no charge was requested', async () => {
    expect(await shop.product(sku)).toMatchObject({ stock: 1, reserved: 0 });
    expect(await shop.list('payments', `/payments?orderId=${placed.id}`)).toEqual([]);
    expect(await shop.chargeRequests(placed.id)).toEqual([]);
  });

  await test.step('the customer is told', async () => {
    await expect.poll(() => shop.list<{ eventType: string }>('notifications', `/notifications?orderId=${placed.id}`), { timeout: 10_000 })
      .toEqual([expect.objectContaining({ eventType: 'orders.rejected' })]);
  });
});
