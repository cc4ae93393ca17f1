import { EMAILS, emailFor, expect, ordersPaid, test } from './fixtures.ts';

test('the email provider resets the first connection: the customer is still notified once', async ({
  shop,
  unique,
  emailProvider,
  rabbitTap,
}) => {
  await test.step('the email provider will drop the first email (connection reset)', () =>
    emailProvider.stub({ request: EMAILS, responses: [{ fault: 'CONNECTION_RESET_BY_PEER' }] }));
  const sku = unique.sku();
  await test.step('stock 2 units', () => shop.stockProduct(sku, 2));
  const order = await test.step('the customer orders 1 unit, and it is PAID', async () => {
    const placed = await shop.placeOrder([{ sku, quantity: 1, unitPriceCents: 2000 }]);
    expect(await shop.settledOrder(placed.id)).toMatchObject({ status: 'PAID' });
    return placed;
  });

  await test.step('notifications tries again with the same idempotency key, and one email is sent', async () => {
    await expect(rabbitTap).toHaveReceived(ordersPaid, { times: 1 });
    await expect(emailProvider).toHaveReceived(emailFor(order.id), { times: 2 });
    await expect(() => shop.notificationsOf(order.id)).toEventually(
      (rows) => rows.length === 1 && rows[0]?.status === 'SENT',
    );
    const [notification] = await shop.notificationsOf(order.id);
    await expect(emailProvider).toHaveReceived(
      { ...emailFor(order.id), headers: { 'idempotency-key': notification!.id } },
      { times: 2 },
    );
  });
});
