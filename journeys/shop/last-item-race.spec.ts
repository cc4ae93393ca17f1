import { test, expect } from '../../fixtures/index.ts';
import { shopRules } from '../../fixtures/shop/consistency-rules.ts';
import { inventoryReserved } from '../../compose/shop/services/src/events.ts';
import { Shop, shopTaps } from './shop.ts';

test.use({ ...shopTaps, consistencyRules: shopRules });

test('two concurrent orders for the last item: exactly one wins', async ({ api, unique, rabbitTap }) => {
  const shop = new Shop(api);
  const sku = unique.sku();
  await test.step('stock the last unit', () => shop.stockProduct(sku, 1));
  const orders = await test.step('two customers order it at the same time', () =>
    Promise.all([0, 1].map(() => shop.placeOrder(unique.customer(), [{ sku, quantity: 1, unitPriceCents: 4200 }]))));

  await test.step('one is PAID, the other REJECTED as out of stock', async () => {
    const settled = await Promise.all(orders.map((order) => shop.settledOrder(order.id)));
    expect(settled.map((order) => order.status).sort()).toEqual(['PAID', 'REJECTED']);
    expect(settled.find((order) => order.status === 'REJECTED')).toMatchObject({ statusReason: 'OUT_OF_STOCK' });
  });

  await test.step('the unit is reserved once and charged once', async () => {
    await expect(rabbitTap).toHaveNoDuplicates({ by: 'key', within: 500 });
    const reserved = rabbitTap.messages().filter((m) => inventoryReserved.safeParse(m.value).success && orders.some((o) => o.id === (m.value as { orderId: string }).orderId));
    expect(reserved).toHaveLength(1);
    expect(await shop.product(sku)).toMatchObject({ stock: 0, reserved: 1 });
    expect((await Promise.all(orders.map((order) => shop.chargeRequests(order.id)))).flat()).toHaveLength(1);
  });
});
