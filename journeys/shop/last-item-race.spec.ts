import { CHARGES, expect, inventoryReserved, test } from './fixtures.ts';

test('two concurrent orders for the last item: exactly one wins', async ({
  shop,
  unique,
  rabbitTap,
  paymentProvider,
}) => {
  const sku = unique.sku();
  await test.step('stock the last unit', () => shop.stockProduct(sku, 1));
  const orders = await test.step('two customers order it at the same time', () =>
    Promise.all([0, 1].map(() => shop.placeOrder([{ sku, quantity: 1, unitPriceCents: 4200 }]))));

  await test.step('one is PAID, the other REJECTED as out of stock', async () => {
    const settled = await Promise.all(orders.map((order) => shop.settledOrder(order.id)));
    expect(settled.map((order) => order.status).sort()).toEqual(['PAID', 'REJECTED']);
    expect(settled.find((order) => order.status === 'REJECTED')).toMatchObject({ statusReason: 'OUT_OF_STOCK' });
  });

  await test.step('the unit is reserved once and charged once', async () => {
    // Both orders are this journey's: a second reservation (or charge) of the one unit would be a second one here.
    await expect(rabbitTap).toHaveReceived(inventoryReserved, { times: 1 });
    expect(await shop.product(sku)).toMatchObject({ stock: 0, reserved: 1 });
    await expect(paymentProvider).toHaveReceived(CHARGES, { times: 1 });
  });
});
