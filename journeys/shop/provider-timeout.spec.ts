import { CHARGES, chargeFor, expect, paymentsCaptured, test } from './fixtures.ts';

test('the payment provider times out once, then answers: the order is paid once', async ({
  shop,
  unique,
  paymentProvider,
  kafkaTap,
}) => {
  await test.step('the provider will answer the first charge too late (2.5 s; payments gives up after 2 s)', () =>
    paymentProvider.stub({
      request: CHARGES,
      responses: [{ status: 201, fixedDelayMilliseconds: 2_500, jsonBody: { id: 'ch_too_late', status: 'captured' } }],
    }));
  const sku = unique.sku();
  await test.step('stock 3 units', () => shop.stockProduct(sku, 3));
  const order = await test.step('the customer orders 1 unit', () =>
    shop.placeOrder([{ sku, quantity: 1, unitPriceCents: 1500 }]));

  await test.step('payments retries, and the order is PAID with exactly one charge captured', async () => {
    expect(await shop.settledOrder(order.id)).toMatchObject({ status: 'PAID' });
    expect(await shop.paymentsOf(order.id)).toEqual([
      expect.objectContaining({ status: 'CAPTURED', amountCents: 1500 }),
    ]);
    await expect(kafkaTap).toHaveReceived(paymentsCaptured, { times: 1 });
  });

  await test.step('the provider saw two charge requests, both with the order as idempotency key', async () => {
    await expect(paymentProvider).toHaveReceived(
      { ...chargeFor(order.id), headers: { 'idempotency-key': order.id } },
      { times: 2 },
    );
  });
});
