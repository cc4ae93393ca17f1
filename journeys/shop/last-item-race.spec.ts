import { test, expect } from '../../fixtures/index.ts';
import { Shop, uniqueSku } from './shop.ts';

test('two concurrent orders for the last item: exactly one wins', async ({ request, stack }) => {
  const shop = new Shop(request, stack);
  const sku = uniqueSku();
  await test.step('stock the last unit', () => shop.stockProduct(sku, 1));

  const orders = await test.step('two customers order it at the same time', () =>
    Promise.all([shop.placeOrder([{ sku, quantity: 1, unitPriceCents: 4200 }]), shop.placeOrder([{ sku, quantity: 1, unitPriceCents: 4200 }])]));

  await test.step('one is PAID, the other REJECTED as out of stock', async () => {
    const settled = await Promise.all(orders.map((order) => shop.settledOrder(order.id)));
    expect(settled.map((order) => order.status).sort()).toEqual(['PAID', 'REJECTED']);
    expect(settled.find((order) => order.status === 'REJECTED')).toMatchObject({ statusReason: 'OUT_OF_STOCK' });
  });

  await test.step('the unit is reserved once and charged once', async () => {
    expect(await shop.product(sku)).toMatchObject({ stock: 0, reserved: 1 });
    const charges = await Promise.all(orders.map((order) => shop.chargeRequests(order.id)));
    expect(charges.flat()).toHaveLength(1);
  });
});
