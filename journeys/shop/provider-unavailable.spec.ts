import { CHARGES, chargeFor, expect, inventoryReleased, paymentsCaptured, paymentsDeclined, test } from './fixtures.ts';

test('the payment provider answers 503 three times: the payment fails and the stock is released', async ({
  shop,
  unique,
  paymentProvider,
  kafkaTap,
  rabbitTap,
}) => {
  await test.step('the provider will answer 503 to the next three charges', () =>
    paymentProvider.stub({ request: CHARGES, responses: [{ status: 503 }, { status: 503 }, { status: 503 }] }));
  const sku = unique.sku();
  await test.step('stock 4 units', () => shop.stockProduct(sku, 4));
  const order = await test.step('the customer orders 3 units', () =>
    shop.placeOrder([{ sku, quantity: 3, unitPriceCents: 800 }]));

  await test.step('payments tries three times, backing off longer each time, then gives up: PAYMENT_FAILED', async () => {
    // Exponential backoff (200 ms, then 400 ms, ±20 % jitter): the second gap is at least 1.3 times the first.
    await expect(paymentProvider).toHaveReceived(chargeFor(order.id), {
      times: 3,
      gaps: { atLeast: 150, growing: 1.3 },
    });
    await expect(kafkaTap).toHaveReceived(paymentsDeclined, {
      where: (event) => event.reason === 'provider_unavailable',
    });
    await expect(kafkaTap).not.toHaveReceived(paymentsCaptured);
    expect(await shop.settledOrder(order.id)).toMatchObject({
      status: 'PAYMENT_FAILED',
      statusReason: 'provider_unavailable',
    });
    expect(await shop.paymentsOf(order.id)).toEqual([
      expect.objectContaining({ status: 'FAILED', declineReason: 'provider_unavailable' }),
    ]);
  });

  await test.step('inventory releases the reservation: all 4 units are back', async () => {
    await expect(rabbitTap).toHaveReceived(inventoryReleased, { times: 1 });
    expect(await shop.product(sku)).toMatchObject({ stock: 4, reserved: 0 });
    expect(await shop.reservationsOf(order.id)).toEqual([expect.objectContaining({ status: 'RELEASED' })]);
  });
});
