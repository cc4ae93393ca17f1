import { z } from 'zod';
import { test, expect, eventually } from '../../fixtures/index.ts';
import { shopRules } from '../../fixtures/shop/consistency-rules.ts';
import { inventoryReserved, ordersPaid, ordersPlaced, paymentsCaptured } from '../../compose/shop/services/src/events.ts';
import { Shop, shopTaps } from './shop.ts';

test.use({ ...shopTaps, consistencyRules: shopRules });

const paymentRow = z.object({ status: z.literal('CAPTURED'), amount_cents: z.literal(2500) });

test('an order is reserved, paid and notified', async ({ api, unique, kafkaTap, rabbitTap, db }) => {
  const shop = new Shop(api);
  const sku = unique.sku();
  await test.step('stock 5 units of a new product', () => shop.stockProduct(sku, 5));

  const placed = await test.step('the customer orders 2 units', async () => {
    const order = await shop.placeOrder(unique.customer(), [{ sku, quantity: 2, unitPriceCents: 1250 }]);
    expect(order.totalCents).toBe(2500);
    return order;
  });
  const ofThisOrder = { where: (event: { orderId: string }) => event.orderId === placed.id };

  await test.step('orders.placed goes out on Kafka, keyed by the order, once', async () => {
    await expect(kafkaTap).toHaveReceived(ordersPlaced, { ...ofThisOrder, within: 10_000 });
    expect((await kafkaTap.next({ schema: ordersPlaced, ...ofThisOrder })).message.key).toBe(placed.id);
  });

  await test.step('inventory reserves the 2 units (inventory.reserved on RabbitMQ)', async () => {
    await expect(rabbitTap).toHaveReceived(inventoryReserved, { ...ofThisOrder, within: 10_000 });
    expect(await shop.product(sku)).toMatchObject({ stock: 3, reserved: 2 });
  });

  await test.step('payments captures 25.00 (payments.captured on Kafka) and the order is PAID', async () => {
    await expect(kafkaTap).toHaveReceived(paymentsCaptured, { where: (event) => event.orderId === placed.id && event.amountCents === 2500, within: 10_000 });
    expect(await shop.settledOrder(placed.id)).toMatchObject({ status: 'PAID' });
    expect(await shop.chargeRequests(placed.id)).toHaveLength(1);
  });

  await test.step('the rows agree across databases', async () => {
    await db.database('payments').eventuallyOne(paymentRow, 'SELECT status, amount_cents FROM payments WHERE order_id = $1', [placed.id]);
  });

  await test.step('the customer is notified once (orders.paid → email)', async () => {
    await expect(rabbitTap).toHaveReceived(ordersPaid, { ...ofThisOrder, within: 10_000 });
    await eventually(() => shop.notifications(placed.id), { until: (rows) => rows.length === 1 && rows[0]!.eventType === 'orders.paid', description: 'one notification' });
  });
  // After the test, the shop's consistency rules run on this journey's rows (consistencyRules above).
});
