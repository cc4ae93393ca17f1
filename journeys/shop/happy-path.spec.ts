import { test, expect } from '../../fixtures/index.ts';
import { Shop, uniqueSku } from './shop.ts';

test('an order is reserved, paid and notified', async ({ request, stack }) => {
  const shop = new Shop(request, stack);
  const sku = uniqueSku();

  await test.step('stock 5 units of a new product', () => shop.stockProduct(sku, 5));

  const placed = await test.step('the customer orders 2 units', async () => {
    const order = await shop.placeOrder([{ sku, quantity: 2, unitPriceCents: 1250 }]);
    expect(order).toMatchObject({ status: 'PENDING', totalCents: 2500, correlationId: shop.correlationId });
    return order;
  });

  await test.step('the order becomes PAID', async () => {
    expect(await shop.settledOrder(placed.id)).toMatchObject({ status: 'PAID' });
  });

  await test.step('inventory reserved the 2 units', async () => {
    expect(await shop.product(sku)).toMatchObject({ stock: 3, reserved: 2 });
    const reservations = await shop.list<{ status: string; correlationId: string }>('inventory', `/reservations?orderId=${placed.id}`);
    expect(reservations).toEqual([expect.objectContaining({ status: 'RESERVED', correlationId: shop.correlationId })]);
  });

  await test.step('payments captured the full amount once', async () => {
    const payments = await shop.list<{ status: string; amountCents: number }>('payments', `/payments?orderId=${placed.id}`);
    expect(payments).toEqual([expect.objectContaining({ status: 'CAPTURED', amountCents: 2500 })]);
    expect(await shop.chargeRequests(placed.id)).toHaveLength(1);
  });

  await test.step('the customer was notified', async () => {
    await expect.poll(() => shop.list<{ eventType: string; status: string }>('notifications', `/notifications?orderId=${placed.id}`), { timeout: 10_000 })
      .toEqual([expect.objectContaining({ eventType: 'orders.paid', status: 'SENT' })]);
  });
});
