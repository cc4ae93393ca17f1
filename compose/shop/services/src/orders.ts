// orders: accepts orders over HTTP and publishes `orders.placed` through the
// outbox; settles each order from the payment and inventory outcomes.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { connectAmqp } from './amqp.ts';
import { type Authenticate, authenticator, isStaff, requireRole } from './auth.ts';
import { type Db, enqueueEvent, inTransaction } from './db.ts';
import { newEvent, orderItem, type ShopEvent } from './events.ts';
import { HttpError, type Route } from './http.ts';
import { createKafka, createKafkaProbe, createKafkaPublisher, subscribe } from './kafka.ts';
import type { Logger } from './logger.ts';
import { routeEvents, startOutboxRelay } from './outbox.ts';
import { assert, type ServiceContext, type ServiceParts } from './runtime.ts';

// The customer is the caller (the token's subject); a customerId in the body, if any, must be theirs.
const createOrder = z.object({
  customerId: z.string().min(1).max(128).optional(),
  items: z.array(orderItem).min(1).max(100),
  // Orders without a card use the provider's default test card.
  cardToken: z.string().min(1).max(128).default('tok_visa'),
});

export async function startOrders({ config, log, db, onStop }: ServiceContext<'orders'>): Promise<ServiceParts> {
  const kafka = createKafka('orders', config.KAFKA_BROKERS, log);
  const probe = await createKafkaProbe(kafka, log);
  onStop('kafka probe', probe.stop);
  const producer = await createKafkaPublisher(kafka);
  onStop('kafka producer', producer.stop);
  const settle = (event: ShopEvent, eventLog: Logger) => settleOrder(db, event, eventLog);
  const amqp = await connectAmqp(config.AMQP_URL, log, [
    { queue: 'orders.inventory-rejected', routingKeys: ['inventory.rejected'], handle: settle },
  ]);
  onStop('amqp connection', amqp.close);
  const relay = await startOutboxRelay(
    db,
    config.DATABASE_URL,
    routeEvents({ kafka: producer.publish, amqp: amqp.publish }),
    log,
  );
  onStop('outbox relay', relay.stop);
  const payments = await subscribe({
    kafka,
    groupId: 'orders',
    topics: ['payments.captured', 'payments.declined'],
    log,
    handle: settle,
  });
  onStop('kafka consumer', payments.stop);
  onStop('amqp consumers', amqp.stopConsuming);

  return {
    routes: routes(db, authenticator(config.AUTH_ISSUER, config.AUTH_AUDIENCE)),
    checks: {
      kafka: probe.check,
      kafkaConsumer: () => assert(payments.ready(), 'consumer has not joined its group'),
      rabbitmq: () => assert(amqp.ready(), 'not connected'),
      outbox: () => assert(relay.listening(), 'relay is not listening'),
    },
  };
}

function routes(db: Db, authenticate: Authenticate): Route[] {
  return [
    {
      method: 'POST',
      path: '/orders',
      handler: async ({ body, headers, log }) => {
        const caller = await authenticate(headers);
        requireRole(caller, 'customer');
        const parsed = createOrder.parse(body);
        if (parsed.customerId !== undefined && parsed.customerId !== caller.subject)
          throw new HttpError(403, 'customers order for themselves');
        const input = { ...parsed, customerId: caller.subject };
        const id = randomUUID();
        const totalCents = input.items.reduce((sum, item) => sum + item.quantity * item.unitPriceCents, 0);
        await inTransaction(db, async (tx) => {
          await tx.query(
            `INSERT INTO orders (id, customer_id, status, total_cents, card_token)
             VALUES ($1, $2, 'PENDING', $3, $4)`,
            [id, input.customerId, totalCents, input.cardToken],
          );
          await tx.query(
            `INSERT INTO order_lines (order_id, line_no, sku, quantity, unit_price_cents)
             SELECT $1, line_no, sku, quantity, price
             FROM unnest($2::text[], $3::int[], $4::bigint[]) WITH ORDINALITY AS l(sku, quantity, price, line_no)`,
            [
              id,
              input.items.map((i) => i.sku),
              input.items.map((i) => i.quantity),
              input.items.map((i) => i.unitPriceCents),
            ],
          );
          await enqueueEvent(tx, newEvent('orders.placed', { orderId: id, ...input, totalCents }));
        });
        log.info('order placed', { orderId: id, totalCents });
        const [order] = await loadOrders(db, 'o.id = $1', [id]);
        return { status: 201, body: order };
      },
    },
    {
      method: 'GET',
      path: '/orders/:id',
      handler: async ({ params, headers }) => {
        const caller = await authenticate(headers);
        return { status: 200, body: await visibleOrder(db, caller, params.id) };
      },
    },
    {
      method: 'GET',
      path: '/orders',
      handler: async ({ query, headers }) => {
        const caller = await authenticate(headers);
        const customer = z.string().min(1).parse(query.get('customer'));
        if (!isStaff(caller) && customer !== caller.subject) throw new HttpError(403, 'only your own orders');
        return { status: 200, body: await loadOrders(db, 'o.customer_id = $1', [customer]) };
      },
    },
    {
      // Staff refund a paid order (the money goes back through the provider's own back office).
      method: 'POST',
      path: '/orders/:id/refund',
      handler: async ({ params, headers, log }) => {
        const caller = await authenticate(headers);
        const order = await visibleOrder(db, caller, params.id);
        requireRole(caller, 'staff');
        const { rowCount } = await db.query(
          `UPDATE orders SET status = 'REFUNDED', updated_at = now() WHERE id = $1 AND status = 'PAID'`,
          [order.id],
        );
        if (rowCount === 0) throw new HttpError(409, `order is ${order.status}, not PAID`);
        log.info('order refunded', { orderId: order.id, by: caller.subject });
        const [refunded] = await loadOrders(db, 'o.id = $1', [order.id]);
        return { status: 200, body: refunded };
      },
    },
  ];
}

/** An order the caller may see: their own, or any for staff. Another customer's is "not found", not "forbidden". */
async function visibleOrder(db: Db, caller: { subject: string; roles: readonly string[] }, rawId: string | undefined) {
  const id = z.uuid().safeParse(rawId);
  const [order] = id.success ? await loadOrders(db, 'o.id = $1', [id.data]) : [];
  if (!order || (!isStaff(caller) && order.customerId !== caller.subject)) throw new HttpError(404, 'order not found');
  return order as { id: string; status: string; customerId: string };
}

async function loadOrders(db: Db, where: string, params: unknown[]) {
  const { rows } = await db.query(
    `SELECT o.id, o.customer_id AS "customerId", o.status, o.status_reason AS "statusReason",
            o.total_cents AS "totalCents",
            o.created_at AS "createdAt", o.updated_at AS "updatedAt",
            (SELECT json_agg(json_build_object('sku', l.sku, 'quantity', l.quantity, 'unitPriceCents', l.unit_price_cents)
                             ORDER BY l.line_no)
             FROM order_lines l WHERE l.order_id = o.id) AS items
     FROM orders o WHERE ${where} ORDER BY o.created_at`,
    params,
  );
  return rows;
}

const outcomes = {
  'payments.captured': { status: 'PAID', event: 'orders.paid' },
  'payments.declined': { status: 'PAYMENT_FAILED', event: 'orders.payment_failed' },
  'inventory.rejected': { status: 'REJECTED', event: 'orders.rejected' },
} as const;

// Only a PENDING order moves: a redelivered or late event changes nothing and
// publishes nothing, which keeps this handler idempotent.
async function settleOrder(db: Db, event: ShopEvent, log: Logger): Promise<void> {
  if (event.type !== 'payments.captured' && event.type !== 'payments.declined' && event.type !== 'inventory.rejected')
    return;
  const outcome = outcomes[event.type];
  const reason = event.type === 'payments.captured' ? null : event.reason;
  await inTransaction(db, async (tx) => {
    const { rows } = await tx.query<{ customerId: string; totalCents: number }>(
      `UPDATE orders SET status = $2, status_reason = $3, updated_at = now()
       WHERE id = $1 AND status = 'PENDING'
       RETURNING customer_id AS "customerId", total_cents AS "totalCents"`,
      [event.orderId, outcome.status, reason],
    );
    const order = rows[0];
    if (!order) {
      log.info('event ignored: order unknown or already settled', { type: event.type });
      return;
    }
    const common = { orderId: event.orderId, customerId: order.customerId };
    if (event.type === 'payments.captured') {
      await enqueueEvent(tx, newEvent('orders.paid', { ...common, totalCents: order.totalCents }));
    } else if (event.type === 'payments.declined') {
      await enqueueEvent(
        tx,
        newEvent('orders.payment_failed', { ...common, totalCents: order.totalCents, reason: event.reason }),
      );
    } else {
      await enqueueEvent(tx, newEvent('orders.rejected', { ...common, reason: event.reason }));
    }
    log.info('order settled', { status: outcome.status, event: outcome.event });
  });
}
