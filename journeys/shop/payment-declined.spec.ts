import { test, expect } from '../../fixtures/index.ts';
import { shopRules } from '../../fixtures/shop/consistency-rules.ts';
import { inventoryReleased, paymentsCaptured, paymentsDeclined } from '../../compose/shop/services/src/events.ts';
import { Shop, shopTaps } from './shop.ts';

test.use({ ...shopTaps, consistencyRules: shopRules });

test('a declined card fails the order and releases the stock', async ({ api, unique, kafkaTap, rabbitTap }) => {
  const shop = new Shop(api);
  const sku = unique.sku();
  await test.step('stock 4 units', () => shop.stockProduct(sku, 4));
  const placed = await test.step('the customer orders 3 units with a card the provider declines', () =>
    shop.placeOrder(unique.customer(), [{ sku, quantity: 3, unitPriceCents: 700 }], 'tok_declined'));
  const ofThisOrder = { where: (event: { orderId: string }) => event.orderId === placed.id };

  await test.step('payments.declined goes out, and no payments.captured', async () => {
    await expect(kafkaTap).toHaveReceived(paymentsDeclined, { where: (event) => event.orderId === placed.id && event.amountCents === 2100, within: 10_000 });
    await expect(kafkaTap).not.toHaveReceived(paymentsCaptured, { ...ofThisOrder, within: 1_000 });
  });

  await test.step('the order is PAYMENT_FAILED after exactly one charge attempt', async () => {
    expect(await shop.settledOrder(placed.id)).toMatchObject({ status: 'PAYMENT_FAILED' });
    expect(await shop.payments(placed.id)).toEqual([expect.objectContaining({ status: 'DECLINED', amountCents: 2100 })]);
    expect(await shop.chargeRequests(placed.id)).toHaveLength(1);
  });

  await test.step('inventory releases the reservation: all 4 units are back', async () => {
    await expect(rabbitTap).toHaveReceived(inventoryReleased, { ...ofThisOrder, within: 10_000 });
    expect(await shop.product(sku)).toMatchObject({ stock: 4, reserved: 0 });
    expect(await shop.reservations(placed.id)).toEqual([expect.objectContaining({ status: 'RELEASED' })]);
  });
});
