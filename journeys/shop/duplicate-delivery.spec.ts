import { chargeFor, expect, inventoryReserved, ordersPlaced, test } from './fixtures.ts';

test('the same orders.placed delivered twice reserves once', async ({
  shop,
  unique,
  kafkaTap,
  rabbitTap,
  kafkaProducer,
  paymentProvider,
}) => {
  const sku = unique.sku();
  await test.step('stock 10 units', () => shop.stockProduct(sku, 10));
  const order = await test.step('the customer orders 4 units', () =>
    shop.placeOrder([{ sku, quantity: 4, unitPriceCents: 500 }]));
  await test.step('the order is PAID', async () =>
    expect(await shop.settledOrder(order.id)).toMatchObject({ status: 'PAID' }));

  await test.step('orders.placed is delivered again, byte for byte', async () => {
    const { message } = await kafkaTap.next({ schema: ordersPlaced });
    await kafkaProducer.redeliver(message);
    // The tap sees the copy too: by then inventory's consumer group has it as well.
    await expect(kafkaTap).toHaveReceived(ordersPlaced, { where: (_, copy) => copy.offset !== message.offset });
  });

  await test.step('still one reservation, 4 units taken once, one charge', async () => {
    await expect(rabbitTap).toHaveReceived(inventoryReserved, { times: 1 });
    expect(await shop.reservationsOf(order.id)).toHaveLength(1);
    expect(await shop.product(sku)).toMatchObject({ stock: 6, reserved: 4 });
    await expect(paymentProvider).toHaveReceived(chargeFor(order.id), { times: 1 });
  });
});
