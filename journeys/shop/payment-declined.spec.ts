import { chargeFor, expect, inventoryReleased, paymentsCaptured, paymentsDeclined, test } from './fixtures.ts';

test('a declined card fails the order and releases the stock', async ({
  shop,
  unique,
  kafkaTap,
  rabbitTap,
  paymentProvider,
}) => {
  const sku = unique.sku();
  await test.step('stock 4 units', () => shop.stockProduct(sku, 4));
  const order = await test.step('the customer orders 3 units with a card the provider declines', () =>
    shop.placeOrder([{ sku, quantity: 3, unitPriceCents: 700 }], 'tok_declined'));

  await test.step('payments.declined goes out, and no payments.captured', async () => {
    await expect(kafkaTap).toHaveReceived(paymentsDeclined, { where: (event) => event.amountCents === 2100 });
    await expect(kafkaTap).not.toHaveReceived(paymentsCaptured);
  });

  await test.step('the order is PAYMENT_FAILED after exactly one charge attempt', async () => {
    expect(await shop.settledOrder(order.id)).toMatchObject({ status: 'PAYMENT_FAILED' });
    expect(await shop.paymentsOf(order.id)).toEqual([
      expect.objectContaining({ status: 'DECLINED', amountCents: 2100 }),
    ]);
    await expect(paymentProvider).toHaveReceived(chargeFor(order.id), { times: 1 });
  });

  await test.step('inventory releases the reservation: all 4 units are back', async () => {
    await expect(rabbitTap).toHaveReceived(inventoryReleased);
    expect(await shop.product(sku)).toMatchObject({ stock: 4, reserved: 0 });
    expect(await shop.reservationsOf(order.id)).toEqual([expect.objectContaining({ status: 'RELEASED' })]);
  });
});
