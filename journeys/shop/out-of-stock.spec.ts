import { CHARGES, expect, inventoryRejected, inventoryReserved, ordersRejected, test } from './fixtures.ts';

test('an order for more than the stock is rejected and never charged', async ({
  shop,
  unique,
  rabbitTap,
  paymentProvider,
}) => {
  const sku = unique.sku();
  await test.step('stock 1 unit', () => shop.stockProduct(sku, 1));
  const order = await test.step('the customer orders 3 units', () =>
    shop.placeOrder([{ sku, quantity: 3, unitPriceCents: 900 }]));

  await test.step('inventory rejects it as OUT_OF_STOCK and reserves nothing', async () => {
    await expect(rabbitTap).toHaveReceived(inventoryRejected, { where: (event) => event.reason === 'OUT_OF_STOCK' });
    await expect(rabbitTap).not.toHaveReceived(inventoryReserved);
  });

  await test.step('the order is REJECTED, stock untouched, no charge requested', async () => {
    expect(await shop.settledOrder(order.id)).toMatchObject({ status: 'REJECTED', statusReason: 'OUT_OF_STOCK' });
    expect(await shop.product(sku)).toMatchObject({ stock: 1, reserved: 0 });
    expect(await shop.paymentsOf(order.id)).toEqual([]);
    await expect(paymentProvider).not.toHaveReceived(CHARGES);
  });

  await test.step('the customer is told, once', async () => {
    await expect(rabbitTap).toHaveReceived(ordersRejected, { times: 1 });
    await expect(() => shop.notificationsOf(order.id)).toEventually(
      (rows) => rows.length === 1 && rows[0]?.eventType === 'orders.rejected',
    );
  });
});
