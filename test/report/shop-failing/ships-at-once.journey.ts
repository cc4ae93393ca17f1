import { expect, inventoryReserved, ordersPlaced, paymentsCaptured, test } from '../../../journeys/shop/fixtures.ts';

// PRODUCT, on purpose: the shop marks a paid order PAID (it ships later); this journey wants it
// SHIPPED as soon as it is paid. Its picture shows the calls, the messages, the provider's charge,
// and the failed expectation after them.
test('a paid order ships at once', async ({ shop, unique, kafkaTap, rabbitTap }) => {
  const sku = unique.sku();
  await test.step('stock 3 units of a new product', () => shop.stockProduct(sku, 3));
  const order = await test.step('the customer orders 1 unit', () =>
    shop.placeOrder([{ sku, quantity: 1, unitPriceCents: 990 }]));
  await test.step('orders.placed, inventory.reserved and payments.captured go out', async () => {
    await expect(kafkaTap).toHaveReceived(ordersPlaced, { times: 1 });
    await expect(rabbitTap).toHaveReceived(inventoryReserved);
    await expect(kafkaTap).toHaveReceived(paymentsCaptured);
  });
  await test.step('the paid order is shipped', async () => {
    const settled = await shop.settledOrder(order.id);
    expect(settled.status, 'a paid order ships at once').toBe('SHIPPED');
  });
});
