// The shop's vocabulary for journeys (stock a product, place an order, wait for the outcome) on top of
// the fixtures: every call goes through `api` (correlation id, recorded for the report, zod-checked).
import { z } from 'zod';
import { eventually, expect, type Api } from '../../fixtures/index.ts';
import { KAFKA_TOPICS, EXCHANGE } from '../../compose/shop/services/src/events.ts';

export const orderSchema = z.object({
  id: z.uuid(),
  status: z.enum(['PENDING', 'PAID', 'PAYMENT_FAILED', 'REJECTED']),
  statusReason: z.string().nullable(),
  totalCents: z.number().int(),
  correlationId: z.string(),
});
export type Order = z.infer<typeof orderSchema>;

export const productSchema = z.object({ sku: z.string(), stock: z.number().int(), reserved: z.number().int() });
export const reservationsSchema = z.array(z.object({ status: z.enum(['RESERVED', 'REJECTED', 'RELEASED']), correlationId: z.string() }));
export const paymentsSchema = z.array(z.object({ status: z.enum(['PENDING', 'CAPTURED', 'DECLINED']), amountCents: z.number().int() }));
export const notificationsSchema = z.array(z.object({ eventType: z.string(), status: z.string() }));

/** What every shop journey taps: all Kafka topics and every event on the exchange. */
export const shopTaps = { kafkaTopics: [...KAFKA_TOPICS], rabbitBindings: [{ exchange: EXCHANGE, pattern: '#' }] };

type Item = { sku: string; quantity: number; unitPriceCents: number };

export class Shop {
  constructor(private readonly api: Api) {}

  async stockProduct(sku: string, stock: number): Promise<void> {
    await this.api.parse(await this.api.service('inventory').post('/products', { data: { sku, stock } }), productSchema.partial(), { status: 201 });
  }

  async product(sku: string) {
    return this.api.parse(await this.api.service('inventory').get(`/products/${sku}`), productSchema, { status: 200 });
  }

  async placeOrder(customerId: string, items: Item[], cardToken = 'tok_visa'): Promise<Order> {
    const response = await this.api.service('orders').post('/orders', { data: { customerId, items, cardToken } });
    const order = await this.api.parse(response, orderSchema, { status: 201 });
    expect(order).toMatchObject({ status: 'PENDING', correlationId: this.api.correlationId });
    return order;
  }

  async order(id: string): Promise<Order> {
    return this.api.parse(await this.api.service('orders').get(`/orders/${id}`), orderSchema, { status: 200 });
  }

  /** The order once it left PENDING: the whole event chain has run by then. */
  async settledOrder(id: string): Promise<Order> {
    return eventually(() => this.order(id), { until: (order) => order.status !== 'PENDING', timeout: 20_000, description: `order ${id} leaves PENDING` });
  }

  async reservations(orderId: string) {
    return this.api.parse(await this.api.service('inventory').get(`/reservations?orderId=${orderId}`), reservationsSchema);
  }

  async payments(orderId: string) {
    return this.api.parse(await this.api.service('payments').get(`/payments?orderId=${orderId}`), paymentsSchema);
  }

  async notifications(orderId: string) {
    return this.api.parse(await this.api.service('notifications').get(`/notifications?orderId=${orderId}`), notificationsSchema);
  }

  /** What the fake payment provider (WireMock) was asked for this order. */
  async chargeRequests(orderId: string): Promise<unknown[]> {
    const response = await this.api.service('wiremock').post('/__admin/requests/find', { data: { method: 'POST', url: '/v1/charges', bodyPatterns: [{ matchesJsonPath: `$[?(@.orderId == '${orderId}')]` }] } });
    return this.api.parse(response, z.object({ requests: z.array(z.unknown()) })).then((found) => found.requests);
  }
}
