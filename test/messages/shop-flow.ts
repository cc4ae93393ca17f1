// Places a real order in the shared shop stack, with a product of its own so runs never collide.
import type { APIRequestContext } from '@playwright/test';
import type { StackHandle } from '../../fixtures/stack.ts';

export async function placeOrder(request: APIRequestContext, stack: StackHandle, cardToken = 'tok_visa'): Promise<{ id: string; correlationId: string }> {
  const sku = `tap-${Date.now()}-${Math.random().toString(36).slice(2, 7)}`;
  const product = await request.post(`${stack.endpoints.url('inventory', 8080)}/products`, { data: { sku, stock: 10 } });
  if (!product.ok()) throw new Error(`POST /products: ${product.status()} ${await product.text()}`);
  const correlationId = `tap-test-${sku}`;
  const response = await request.post(`${stack.endpoints.url('orders', 8080)}/orders`, {
    data: { customerId: 'tap-test', items: [{ sku, quantity: 1, unitPriceCents: 250 }], cardToken },
    headers: { 'x-correlation-id': correlationId },
  });
  if (response.status() !== 201) throw new Error(`POST /orders: ${response.status()} ${await response.text()}`);
  const order = (await response.json()) as { id: string };
  return { id: order.id, correlationId };
}
