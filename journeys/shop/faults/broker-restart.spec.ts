import { chargeFor, expect, paymentsCaptured, test } from '../fixtures.ts';

test('RabbitMQ restarts while an order waits between inventory and payments: it is still paid, once', async ({
  shop,
  unique,
  faults,
  paymentProvider,
  kafkaTap,
}) => {
  const sku = unique.sku();
  await test.step('stock 5 units', () => shop.stockProduct(sku, 5));
  await test.step('RabbitMQ goes down', () => faults.stop('rabbitmq'));

  const order =
    await test.step('the customer orders 2 units: inventory reserves them but cannot tell payments', async () => {
      const placed = await shop.placeOrder([{ sku, quantity: 2, unitPriceCents: 600 }]);
      await expect(() => shop.reservationsOf(placed.id)).toEventually(
        (rows) => rows.length === 1 && rows[0]?.status === 'RESERVED',
      );
      expect(await shop.order(placed.id)).toMatchObject({ status: 'PENDING' });
      await expect(paymentProvider).not.toHaveReceived(chargeFor(placed.id));
      return placed;
    });

  await test.step('RabbitMQ comes back (and every service is ready again)', () => faults.heal('rabbitmq'));

  await test.step('the order is PAID, charged once', async () => {
    expect(await shop.settledOrder(order.id)).toMatchObject({ status: 'PAID' });
    await expect(kafkaTap).toHaveReceived(paymentsCaptured, { times: 1 });
    await expect(paymentProvider).toHaveReceived(chargeFor(order.id), { times: 1 });
    expect(await shop.paymentsOf(order.id)).toEqual([
      expect.objectContaining({ status: 'CAPTURED', amountCents: 1200 }),
    ]);
    expect(await shop.product(sku)).toMatchObject({ stock: 3, reserved: 2 });
  });
});
