// What the journeys expect the shop to emit: the consumer side of its event contract, written
// here rather than imported from the services' source, so a producer that changes an event's shape
// fails a journey instead of silently changing what the journey checks.
import type { RequestExpectation } from 'compose-journeys';
import { z } from 'zod';

/** RabbitMQ topic exchange every AMQP event goes to (routing key = event type). */
export const EXCHANGE = 'shop.events';
/** Kafka topics (key = order id), named after the event they carry. */
export const KAFKA_TOPICS = ['orders.placed', 'payments.captured', 'payments.declined'];

const envelope = {
  eventId: z.uuid(),
  orderId: z.uuid(),
  occurredAt: z.iso.datetime(),
};
const stockItem = z.object({ sku: z.string(), quantity: z.number().int().positive() });

export const ordersPlaced = z
  .object({
    ...envelope,
    type: z.literal('orders.placed'),
    customerId: z.string(),
    items: z
      .array(
        z.object({
          sku: z.string(),
          quantity: z.number().int().positive(),
          unitPriceCents: z.number().int().nonnegative(),
        }),
      )
      .min(1),
    totalCents: z.number().int(),
    cardToken: z.string(),
  })
  .describe('orders.placed event');

export const inventoryReserved = z
  .object({
    ...envelope,
    type: z.literal('inventory.reserved'),
    items: z.array(stockItem),
    amountCents: z.number().int(),
    cardToken: z.string(),
  })
  .describe('inventory.reserved event');

export const inventoryRejected = z
  .object({
    ...envelope,
    type: z.literal('inventory.rejected'),
    reason: z.enum(['OUT_OF_STOCK', 'UNKNOWN_SKU']),
    sku: z.string(),
  })
  .describe('inventory.rejected event');

export const inventoryReleased = z
  .object({ ...envelope, type: z.literal('inventory.released'), items: z.array(stockItem) })
  .describe('inventory.released event');

export const paymentsCaptured = z
  .object({
    ...envelope,
    type: z.literal('payments.captured'),
    paymentId: z.uuid(),
    amountCents: z.number().int(),
    providerChargeId: z.string(),
  })
  .describe('payments.captured event');

export const paymentsDeclined = z
  .object({
    ...envelope,
    type: z.literal('payments.declined'),
    paymentId: z.uuid(),
    amountCents: z.number().int(),
    reason: z.string(),
  })
  .describe('payments.declined event');

export const ordersPaid = z
  .object({ ...envelope, type: z.literal('orders.paid'), customerId: z.string(), totalCents: z.number().int() })
  .describe('orders.paid event');

export const ordersRejected = z
  .object({
    ...envelope,
    type: z.literal('orders.rejected'),
    customerId: z.string(),
    reason: z.enum(['OUT_OF_STOCK', 'UNKNOWN_SKU']),
  })
  .describe('orders.rejected event');

// The HTTP API's answers.
export const order = z.object({
  id: z.uuid(),
  customerId: z.string(),
  status: z.enum(['PENDING', 'PAID', 'PAYMENT_FAILED', 'REJECTED', 'REFUNDED']),
  statusReason: z.string().nullable(),
  totalCents: z.number().int(),
  items: z.array(z.object({ sku: z.string(), quantity: z.number().int(), unitPriceCents: z.number().int() })),
});
export type Order = z.infer<typeof order>;

export const product = z.object({ sku: z.string(), stock: z.number().int(), reserved: z.number().int() });
export const reservations = z.array(z.object({ status: z.enum(['RESERVED', 'REJECTED', 'RELEASED']) }));
export const payments = z.array(
  z.object({
    status: z.enum(['PENDING', 'CAPTURED', 'DECLINED', 'FAILED']),
    amountCents: z.number().int(),
    declineReason: z.string().nullable().optional(),
  }),
);
/** `id` is the email's idempotency key: one per order and outcome. */
export const notifications = z.array(z.object({ id: z.string(), eventType: z.string(), status: z.string() }));

// What the shop asks its providers (WireMock stands in for both, compose/shop/wiremock): the
// requests journeys stub and expect. Payments charges with the order id as idempotency key.
export const CHARGES = { method: 'POST', urlPath: '/v1/charges' } as const;
export const EMAILS = { method: 'POST', urlPath: '/v1/emails' } as const;

/** The charge request for an order. */
export const chargeFor = (orderId: string): RequestExpectation => ({ ...CHARGES, bodyJson: { orderId } });
/** An email about an order. */
export const emailFor = (orderId: string): RequestExpectation => ({ ...EMAILS, bodyJson: { orderId } });
