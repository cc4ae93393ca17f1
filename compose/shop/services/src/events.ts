// The shop's event contract: every event that crosses a broker, its payload
// schema and where it travels. Services validate with these on both sides and
// journeys import this file to assert on what the system emits.
import { z } from 'zod';

/** RabbitMQ topic exchange every AMQP event goes to, routing key = event type. */
export const EXCHANGE = 'shop.events';

const envelope = {
  eventId: z.uuid(),
  orderId: z.uuid(),
  occurredAt: z.iso.datetime(),
};

export const orderItem = z.object({
  sku: z.string().min(1).max(64),
  quantity: z.number().int().positive().max(1000),
  unitPriceCents: z.number().int().nonnegative(),
});
export type OrderItem = z.infer<typeof orderItem>;

const stockItem = z.object({ sku: z.string(), quantity: z.number().int().positive() });

export const rejectionReason = z.enum(['OUT_OF_STOCK', 'UNKNOWN_SKU']);

export const ordersPlaced = z.object({
  ...envelope,
  type: z.literal('orders.placed'),
  customerId: z.string(),
  items: z.array(orderItem).min(1),
  totalCents: z.number().int(),
  cardToken: z.string(),
});

// Carries the amount and card token so payments can charge without reading
// the orders database (each service owns its data).
export const inventoryReserved = z.object({
  ...envelope,
  type: z.literal('inventory.reserved'),
  items: z.array(stockItem),
  amountCents: z.number().int(),
  cardToken: z.string(),
});

export const inventoryRejected = z.object({
  ...envelope,
  type: z.literal('inventory.rejected'),
  reason: rejectionReason,
  sku: z.string(),
});

export const inventoryReleased = z.object({
  ...envelope,
  type: z.literal('inventory.released'),
  items: z.array(stockItem),
});

export const paymentsCaptured = z.object({
  ...envelope,
  type: z.literal('payments.captured'),
  paymentId: z.uuid(),
  amountCents: z.number().int(),
  providerChargeId: z.string(),
});

export const paymentsDeclined = z.object({
  ...envelope,
  type: z.literal('payments.declined'),
  paymentId: z.uuid(),
  amountCents: z.number().int(),
  reason: z.string(),
});

export const ordersPaid = z.object({
  ...envelope,
  type: z.literal('orders.paid'),
  customerId: z.string(),
  totalCents: z.number().int(),
});

export const ordersPaymentFailed = z.object({
  ...envelope,
  type: z.literal('orders.payment_failed'),
  customerId: z.string(),
  totalCents: z.number().int(),
  reason: z.string(),
});

export const ordersRejected = z.object({
  ...envelope,
  type: z.literal('orders.rejected'),
  customerId: z.string(),
  reason: rejectionReason,
});

export const shopEvent = z.discriminatedUnion('type', [
  ordersPlaced,
  inventoryReserved,
  inventoryRejected,
  inventoryReleased,
  paymentsCaptured,
  paymentsDeclined,
  ordersPaid,
  ordersPaymentFailed,
  ordersRejected,
]);
export type ShopEvent = z.infer<typeof shopEvent>;
export type EventType = ShopEvent['type'];
export type EventOf<T extends EventType> = Extract<ShopEvent, { type: T }>;

/** Where each event is published: a Kafka topic (key = orderId) or the AMQP exchange (routing key = type). */
export const eventTransport = {
  'orders.placed': 'kafka',
  'payments.captured': 'kafka',
  'payments.declined': 'kafka',
  'inventory.reserved': 'amqp',
  'inventory.rejected': 'amqp',
  'inventory.released': 'amqp',
  'orders.paid': 'amqp',
  'orders.payment_failed': 'amqp',
  'orders.rejected': 'amqp',
} as const satisfies Record<EventType, 'kafka' | 'amqp'>;

/** Kafka topics are named after the event type they carry. */
export const KAFKA_TOPICS = Object.entries(eventTransport)
  .filter(([, transport]) => transport === 'kafka')
  .map(([type]) => type as EventType);

/** Fills the envelope so producers only state what is specific to the event. */
export function newEvent<T extends EventType>(
  type: T,
  fields: Omit<EventOf<T>, 'type' | 'eventId' | 'occurredAt'>,
): EventOf<T> {
  const event = { ...fields, type, eventId: crypto.randomUUID(), occurredAt: new Date().toISOString() };
  return shopEvent.parse(event) as EventOf<T>;
}
