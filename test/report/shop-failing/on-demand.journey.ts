import { expect, ordersPlaced, test } from '../../../journeys/shop/fixtures.ts';

// Passes: its picture is attached on demand (journeyPicture: 'always'), with no failure to mark.
test.use({ journeyPicture: 'always' });

test('an order is placed and announced', async ({ shop, unique, kafkaTap }) => {
  const sku = unique.sku();
  await shop.stockProduct(sku, 1);
  const order = await shop.placeOrder([{ sku, quantity: 1, unitPriceCents: 500 }]);
  await expect(kafkaTap).toHaveReceived(ordersPlaced, { where: (event) => event.orderId === order.id });
});
