import { test, expect } from '../../fixtures/index.ts';
import { shopRules } from '../../fixtures/shop/consistency-rules.ts';
import { inventoryReserved, ordersPlaced } from '../../compose/shop/services/src/events.ts';
import { Shop, shopTaps } from './shop.ts';

test.use({ ...shopTaps, consistencyRules: shopRules });

test('the same orders.placed delivered twice reserves once', async ({ api, unique, kafkaTap, rabbitTap, kafkaProducer }) => {
  const shop = new Shop(api);
  const sku = unique.sku();
  await test.step('stock 10 units', () => shop.stockProduct(sku, 10));
  const placed = await test.step('the customer orders 4 units', () => shop.placeOrder(unique.customer(), [{ sku, quantity: 4, unitPriceCents: 500 }]));
  await test.step('the order is PAID', async () => expect(await shop.settledOrder(placed.id)).toMatchObject({ status: 'PAID' }));

  let redeliveredAt = 0;
  await test.step('orders.placed is delivered again, byte for byte', async () => {
    const { message } = await kafkaTap.next({ schema: ordersPlaced, where: (event) => event.orderId === placed.id });
    redeliveredAt = Date.now();
    await kafkaProducer.redeliver(message);
    // The tap sees the copy too: by then inventory's consumer group has it as well.
    await expect(kafkaTap).toHaveReceived(ordersPlaced, { where: (event, m) => event.orderId === placed.id && m.offset !== message.offset, within: 10_000 });
  });

  await test.step('still one reservation, 4 units taken once, one charge', async () => {
    // A second reservation would announce itself on the exchange within this window.
    await expect(rabbitTap).not.toHaveReceived(inventoryReserved, { where: (event, m) => event.orderId === placed.id && m.receivedAt >= redeliveredAt, within: 3_000 });
    expect(await shop.reservations(placed.id)).toHaveLength(1);
    expect(await shop.product(sku)).toMatchObject({ stock: 6, reserved: 4 });
    expect(await shop.chargeRequests(placed.id)).toHaveLength(1);
  });
});
