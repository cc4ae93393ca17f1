import { test, expect, eventually } from '../../fixtures/index.ts';
import { shopRules } from '../../fixtures/shop/consistency-rules.ts';
import { inventoryRejected, inventoryReserved, ordersRejected } from '../../compose/shop/services/src/events.ts';
import { Shop, shopTaps } from './shop.ts';

test.use({ ...shopTaps, consistencyRules: shopRules });

test('an order for more than the stock is rejected and never charged', async ({ api, unique, rabbitTap }) => {
  const shop = new Shop(api);
  const sku = unique.sku();
  await test.step('stock 1 unit', () => shop.stockProduct(sku, 1));
  const placed = await test.step('the customer orders 3 units', () => shop.placeOrder(unique.customer(), [{ sku, quantity: 3, unitPriceCents: 900 }]));
  const ofThisOrder = { where: (event: { orderId: string }) => event.orderId === placed.id };

  await test.step('inventory rejects it as OUT_OF_STOCK and reserves nothing', async () => {
    await expect(rabbitTap).toHaveReceived(inventoryRejected, { where: (event) => event.orderId === placed.id && event.reason === 'OUT_OF_STOCK', within: 10_000 });
    await expect(rabbitTap).not.toHaveReceived(inventoryReserved, { ...ofThisOrder, within: 500 });
  });

  await test.step('the order is REJECTED, stock untouched, no charge requested', async () => {
    expect(await shop.settledOrder(placed.id)).toMatchObject({ status: 'REJECTED', statusReason: 'OUT_OF_STOCK' });
    expect(await shop.product(sku)).toMatchObject({ stock: 1, reserved: 0 });
    expect(await shop.payments(placed.id)).toEqual([]);
    expect(await shop.chargeRequests(placed.id)).toEqual([]);
  });

  await test.step('the customer is told', async () => {
    await expect(rabbitTap).toHaveReceived(ordersRejected, { ...ofThisOrder, within: 10_000 });
    await eventually(() => shop.notifications(placed.id), { until: (rows) => rows.length === 1 && rows[0]!.eventType === 'orders.rejected', description: 'one notification' });
  });
});
