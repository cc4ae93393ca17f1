// What the shop journeys share: the shop's own vocabulary (place an order, stock a product) on top
// of Playwright's `request`, with unique data per test so parallel workers never meet.
import { randomUUID } from 'node:crypto';
import type { APIRequestContext } from '@playwright/test';
import { expect } from '../../fixtures/index.ts';
import type { StackHandle } from '../../fixtures/index.ts';

export interface Order {
  id: string;
  status: 'PENDING' | 'PAID' | 'PAYMENT_FAILED' | 'REJECTED';
  statusReason: string | null;
  totalCents: number;
  correlationId: string;
}

export const uniqueSku = () => `sku-${randomUUID().slice(0, 8)}`;
export const uniqueCustomer = () => `customer-${randomUUID().slice(0, 8)}`;

export class Shop {
  readonly correlationId = `journey-${randomUUID()}`;
  constructor(private readonly request: APIRequestContext, private readonly stack: StackHandle) {}

  url(service: string, path: string): string {
    return `${this.stack.endpoints.url(service, 8080)}${path}`;
  }

  private get headers() {
    return { 'x-correlation-id': this.correlationId };
  }

  async stockProduct(sku: string, stock: number): Promise<void> {
    const response = await this.request.post(this.url('inventory', '/products'), { data: { sku, stock }, headers: this.headers });
    expect(response.status(), await response.text()).toBe(201);
  }

  async product(sku: string): Promise<{ stock: number; reserved: number }> {
    return (await this.request.get(this.url('inventory', `/products/${sku}`))).json();
  }

  async placeOrder(items: { sku: string; quantity: number; unitPriceCents: number }[], cardToken = 'tok_visa'): Promise<Order> {
    const response = await this.request.post(this.url('orders', '/orders'), { data: { customerId: uniqueCustomer(), items, cardToken }, headers: this.headers });
    expect(response.status(), await response.text()).toBe(201);
    expect(response.headers()['x-correlation-id']).toBe(this.correlationId);
    return response.json();
  }

  async order(id: string): Promise<Order> {
    return (await this.request.get(this.url('orders', `/orders/${id}`))).json();
  }

  /** Waits for the order to leave PENDING: the whole event chain has run by then. */
  async settledOrder(id: string): Promise<Order> {
    await expect.poll(async () => (await this.order(id)).status, { timeout: 20_000, intervals: [50, 100, 200] }).not.toBe('PENDING');
    return this.order(id);
  }

  async list<T>(service: string, path: string): Promise<T[]> {
    return (await this.request.get(this.url(service, path))).json();
  }

  /** What the fake payment provider (WireMock) was asked for this order. */
  async chargeRequests(orderId: string): Promise<unknown[]> {
    const response = await this.request.post(this.url('wiremock', '/__admin/requests/find'), { data: { method: 'POST', url: '/v1/charges', bodyPatterns: [{ matchesJsonPath: `$[?(@.orderId == '${orderId}')]` }] } });
    return (await response.json()).requests;
  }
}
