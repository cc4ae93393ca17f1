import { z } from 'zod';
import { chargeFor, expect, inventoryReserved, ordersPaid, ordersPlaced, paymentsCaptured, test } from './fixtures.ts';

const capturedPayment = z.object({ status: z.literal('CAPTURED'), amount_cents: z.literal(2500) });

test('an order is reserved, paid and notified', async ({ shop, unique, kafkaTap, rabbitTap, db, paymentProvider }) => {
  const sku = unique.sku();
  await test.step('stock 5 units of a new product', () => shop.stockProduct(sku, 5));
  const order = await test.step('the customer orders 2 units', () =>
    shop.placeOrder([{ sku, quantity: 2, unitPriceCents: 1250 }]));
  expect(order.totalCents).toBe(2500);

  await test.step('orders.placed goes out on Kafka, keyed by the order, once', async () => {
    await expect(kafkaTap).toHaveReceived(ordersPlaced, { times: 1 });
    expect(kafkaTap.received({ schema: ordersPlaced })[0]?.message.key).toBe(order.id);
  });

  await test.step('inventory reserves the 2 units (inventory.reserved on RabbitMQ)', async () => {
    await expect(rabbitTap).toHaveReceived(inventoryReserved);
    expect(await shop.product(sku)).toMatchObject({ stock: 3, reserved: 2 });
  });

  await test.step('payments captures 25.00 (payments.captured on Kafka) and the order is PAID', async () => {
    await expect(kafkaTap).toHaveReceived(paymentsCaptured, { where: (event) => event.amountCents === 2500 });
    expect(await shop.settledOrder(order.id)).toMatchObject({ status: 'PAID' });
    await expect(paymentProvider).toHaveReceived(chargeFor(order.id), { times: 1 });
    await db
      .database('payments')
      .eventuallyOne(capturedPayment, 'SELECT status, amount_cents FROM payments WHERE order_id = $1', [order.id]);
  });

  await test.step('the customer is notified once (orders.paid → email)', async () => {
    await expect(rabbitTap).toHaveReceived(ordersPaid, { times: 1 });
    await expect(() => shop.notificationsOf(order.id)).toEventually(
      (rows) => rows.length === 1 && rows[0]?.eventType === 'orders.paid',
    );
  });
  // After the test, the shop's consistency rules run on this journey's rows (journeys/shop/fixtures.ts).
});
