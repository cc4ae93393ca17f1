// The shop's vocabulary for journeys: stock a product, place an order, wait for the outcome. Every
// call goes through `api` (the journey's trace in `traceparent`, recorded for the report, zod-checked).
import { type Api, eventually, expect, type ServiceClient } from 'compose-journeys';
import * as contract from './contracts.ts';

export type Item = { sku: string; quantity: number; unitPriceCents: number };

export class Shop {
  readonly orders: ServiceClient;
  readonly inventory: ServiceClient;
  readonly payments: ServiceClient;
  readonly notifications: ServiceClient;

  constructor(api: Api) {
    this.orders = api.service('orders');
    this.inventory = api.service('inventory');
    this.payments = api.service('payments');
    this.notifications = api.service('notifications');
  }

  async stockProduct(sku: string, stock: number): Promise<void> {
    await this.inventory.post('/products', { data: { sku, stock } }).expect(201, contract.product.partial());
  }

  product(sku: string) {
    return this.inventory.get(`/products/${sku}`).expect(200, contract.product);
  }

  /** A new order, PENDING, for the customer the call goes as (the test's role: its own customer). */
  async placeOrder(items: Item[], cardToken = 'tok_visa'): Promise<contract.Order> {
    const placed = await this.orders.post('/orders', { data: { items, cardToken } }).expect(201, contract.order);
    expect(placed).toMatchObject({ status: 'PENDING' });
    return placed;
  }

  order(id: string): Promise<contract.Order> {
    return this.orders.get(`/orders/${id}`).expect(200, contract.order);
  }

  /** The order once it left PENDING: the whole event chain has run by then. */
  settledOrder(id: string): Promise<contract.Order> {
    return eventually(() => this.order(id), {
      until: (order) => order.status !== 'PENDING',
      timeout: 20_000,
      description: `order ${id} leaves PENDING`,
    });
  }

  reservationsOf(orderId: string) {
    return this.inventory.get('/reservations', { params: { orderId } }).expect(200, contract.reservations);
  }

  paymentsOf(orderId: string) {
    return this.payments.get('/payments', { params: { orderId } }).expect(200, contract.payments);
  }

  notificationsOf(orderId: string) {
    return this.notifications.get('/notifications', { params: { orderId } }).expect(200, contract.notifications);
  }
}
