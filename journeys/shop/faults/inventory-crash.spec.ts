import { expect, inventoryReserved, ordersPlaced, test } from '../fixtures.ts';

test('inventory hangs and is killed after the order is placed, then comes back: orders.placed is handled once', async ({
  shop,
  unique,
  faults,
  kafkaTap,
  rabbitTap,
}) => {
  const sku = unique.sku();
  await test.step('stock 6 units', () => shop.stockProduct(sku, 6));
  await test.step('inventory hangs (paused)', () => faults.pause('inventory'));

  const order =
    await test.step('the customer orders 2 units: orders.placed goes out, inventory does not react', async () => {
      const placed = await shop.placeOrder([{ sku, quantity: 2, unitPriceCents: 450 }]);
      await expect(kafkaTap).toHaveReceived(ordersPlaced, { times: 1 });
      await expect(rabbitTap).not.toHaveReceived(inventoryReserved);
      return placed;
    });

  await test.step('inventory is killed (SIGKILL) before it handled the order, and comes back', async () => {
    await faults.kill('inventory');
    await faults.heal('inventory');
  });

  await test.step('orders.placed is consumed once: one reservation, 2 units taken once, the order PAID', async () => {
    await expect(rabbitTap).toHaveReceived(inventoryReserved, { times: 1 });
    expect(await shop.reservationsOf(order.id)).toEqual([expect.objectContaining({ status: 'RESERVED' })]);
    expect(await shop.product(sku)).toMatchObject({ stock: 4, reserved: 2 });
    expect(await shop.settledOrder(order.id)).toMatchObject({ status: 'PAID' });
  });
});
