// inventory: reserves stock for placed orders (idempotently, race-safe) and
// releases it when the payment is declined.
import { z } from 'zod';
import { connectAmqp } from './amqp.ts';
import { type Db, enqueueEvent, inTransaction, type Tx } from './db.ts';
import { type EventOf, newEvent } from './events.ts';
import { HttpError, type Route } from './http.ts';
import { createKafka, createKafkaProbe, subscribe } from './kafka.ts';
import type { Logger } from './logger.ts';
import { routeEvents, startOutboxRelay } from './outbox.ts';
import { assert, type ServiceContext, type ServiceParts } from './runtime.ts';

type StockItem = { sku: string; quantity: number };

const upsertProduct = z.object({
  sku: z.string().min(1).max(64),
  name: z.string().max(200).optional(),
  stock: z.number().int().nonnegative(),
});

export async function startInventory({ config, log, db, onStop }: ServiceContext<'inventory'>): Promise<ServiceParts> {
  const amqp = await connectAmqp(config.AMQP_URL, log, []);
  onStop('amqp connection', amqp.close);
  const relay = await startOutboxRelay(db, config.DATABASE_URL, routeEvents({ amqp: amqp.publish }), log);
  onStop('outbox relay', relay.stop);
  const kafka = createKafka('inventory', config.KAFKA_BROKERS, log);
  const probe = await createKafkaProbe(kafka, log);
  onStop('kafka probe', probe.stop);
  const consumer = await subscribe({
    kafka,
    groupId: 'inventory',
    topics: ['orders.placed', 'payments.declined'],
    log,
    handle: (event, eventLog) => {
      if (event.type === 'orders.placed') return reserve(db, event, eventLog);
      if (event.type === 'payments.declined') return release(db, event, eventLog);
      return Promise.resolve();
    },
  });
  onStop('kafka consumer', consumer.stop);

  return {
    routes: routes(db),
    checks: {
      // The consumer may still count as joined for a while after the broker went away.
      kafka: probe.check,
      kafkaConsumer: () => assert(consumer.ready(), 'consumer has not joined its group'),
      rabbitmq: () => assert(amqp.ready(), 'not connected'),
      outbox: () => assert(relay.listening(), 'relay is not listening'),
    },
  };
}

async function reserve(db: Db, event: EventOf<'orders.placed'>, log: Logger): Promise<void> {
  const items = mergeItems(event.items);
  await inTransaction(db, async (tx) => {
    // The reservation row is claimed first: a redelivered event (or a
    // concurrent duplicate, which waits on the primary key) finds it taken.
    const claimed = await tx.query(
      `INSERT INTO reservations (order_id, status, items) VALUES ($1, 'RESERVED', $2)
       ON CONFLICT (order_id) DO NOTHING`,
      [event.orderId, JSON.stringify(items)],
    );
    if (claimed.rowCount === 0) {
      log.info('duplicate orders.placed ignored', { eventId: event.eventId });
      return;
    }
    await tx.query('SAVEPOINT take_stock');
    const shortage = await takeStock(tx, items);
    const base = { orderId: event.orderId };
    if (shortage) {
      // Undo the lines already taken; the rejected reservation itself stays.
      await tx.query('ROLLBACK TO SAVEPOINT take_stock');
      await tx.query(
        "UPDATE reservations SET status = 'REJECTED', reason = $2, updated_at = now() WHERE order_id = $1",
        [event.orderId, shortage.reason],
      );
      await enqueueEvent(tx, newEvent('inventory.rejected', { ...base, ...shortage }));
      log.info('reservation rejected', shortage);
    } else {
      await enqueueEvent(
        tx,
        newEvent('inventory.reserved', { ...base, items, amountCents: event.totalCents, cardToken: event.cardToken }),
      );
      log.info('stock reserved', { items });
    }
  });
}

// The conditional UPDATE is the race guard: it locks the product row and, under
// READ COMMITTED, re-checks `stock >= quantity` against the latest committed
// value, so two orders for the last unit cannot both succeed. Rows are
// locked in SKU order so concurrent multi-line orders cannot deadlock.
async function takeStock(tx: Tx, items: StockItem[]) {
  for (const { sku, quantity } of items) {
    const taken = await tx.query(
      `UPDATE products SET stock = stock - $2, reserved = reserved + $2, updated_at = now()
       WHERE sku = $1 AND stock >= $2`,
      [sku, quantity],
    );
    if (taken.rowCount === 0) {
      const exists = await tx.query('SELECT 1 FROM products WHERE sku = $1', [sku]);
      return { reason: exists.rowCount ? ('OUT_OF_STOCK' as const) : ('UNKNOWN_SKU' as const), sku };
    }
  }
  return undefined;
}

async function release(db: Db, event: EventOf<'payments.declined'>, log: Logger): Promise<void> {
  await inTransaction(db, async (tx) => {
    const { rows } = await tx.query<{ items: StockItem[] }>(
      `UPDATE reservations SET status = 'RELEASED', updated_at = now()
       WHERE order_id = $1 AND status = 'RESERVED' RETURNING items`,
      [event.orderId],
    );
    const items = rows[0]?.items;
    if (!items) {
      log.info('release ignored: no active reservation');
      return;
    }
    for (const { sku, quantity } of items) {
      await tx.query(
        `UPDATE products SET stock = stock + $2, reserved = reserved - $2, updated_at = now()
         WHERE sku = $1`,
        [sku, quantity],
      );
    }
    await enqueueEvent(tx, newEvent('inventory.released', { orderId: event.orderId, items }));
    log.info('stock released', { items });
  });
}

/** One line per SKU, sorted: the lock order `takeStock` relies on. */
function mergeItems(items: StockItem[]): StockItem[] {
  const totals = new Map<string, number>();
  for (const { sku, quantity } of items) totals.set(sku, (totals.get(sku) ?? 0) + quantity);
  return [...totals].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([sku, quantity]) => ({ sku, quantity }));
}

function routes(db: Db): Route[] {
  return [
    {
      method: 'POST',
      path: '/products',
      handler: async ({ body }) => {
        const input = upsertProduct.parse(body);
        // Sets the available stock; what is already reserved is left alone.
        const { rows } = await db.query(
          `INSERT INTO products (sku, name, stock) VALUES ($1, $2, $3)
           ON CONFLICT (sku) DO UPDATE SET name = COALESCE(EXCLUDED.name, products.name), stock = EXCLUDED.stock,
             updated_at = now()
           RETURNING sku, name, stock, reserved, (xmax = 0) AS created`,
          [input.sku, input.name ?? null, input.stock],
        );
        const { created, ...product } = rows[0] as { created: boolean };
        return { status: created ? 201 : 200, body: product };
      },
    },
    {
      method: 'GET',
      path: '/products/:sku',
      handler: async ({ params }) => {
        const { rows } = await db.query('SELECT sku, name, stock, reserved FROM products WHERE sku = $1', [params.sku]);
        if (!rows[0]) throw new HttpError(404, 'product not found');
        return { status: 200, body: rows[0] };
      },
    },
    {
      method: 'GET',
      path: '/reservations',
      handler: async ({ query }) => {
        const orderId = z.uuid().parse(query.get('orderId'));
        const { rows } = await db.query(
          `SELECT order_id AS "orderId", status, reason, items,
                  created_at AS "createdAt", updated_at AS "updatedAt"
           FROM reservations WHERE order_id = $1`,
          [orderId],
        );
        return { status: 200, body: rows };
      },
    },
  ];
}
