// Postgres access: one pool per service, a transaction helper and the outbox
// insert every service uses to publish events atomically with its writes.
import { context, propagation } from '@opentelemetry/api';
import pg from 'pg';
import type { ShopEvent } from './events.ts';
import type { Logger } from './logger.ts';

// bigint columns (money in cents, counts) fit a JS number comfortably; parse
// them as numbers instead of pg's default strings.
pg.types.setTypeParser(pg.types.builtins.INT8, Number);

export type Db = pg.Pool;
export type Tx = pg.PoolClient;

export function createPool(url: string, log: Logger, applicationName: string): Db {
  const pool = new pg.Pool({
    connectionString: url,
    max: 10,
    // Keep warm connections: opening one (with SCRAM auth) costs tens of
    // milliseconds, which would show up in every journey's latency.
    min: 2,
    application_name: applicationName,
    connectionTimeoutMillis: 3000,
    idleTimeoutMillis: 60_000,
  });
  // An idle client losing its connection must not crash the process; the pool
  // discards it and the next checkout reconnects.
  pool.on('error', (err) => log.warn('postgres idle client error', { err }));
  return pool;
}

export async function inTransaction<T>(db: Db, work: (tx: Tx) => Promise<T>): Promise<T> {
  const client = await db.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

/**
 * Queues an event for the outbox relay; commits or rolls back with the caller's transaction. The active
 * trace context goes with it (`traceparent`), as OpenTelemetry recommends for an outbox.
 */
export async function enqueueEvent(tx: Tx, event: ShopEvent): Promise<void> {
  const traceContext: Record<string, string> = {};
  propagation.inject(context.active(), traceContext);
  await tx.query(
    `INSERT INTO outbox (event_id, event_type, order_id, payload, trace_context)
     VALUES ($1, $2, $3, $4, $5)`,
    [event.eventId, event.type, event.orderId, event, traceContext],
  );
}

export async function checkDb(db: Db): Promise<void> {
  await db.query('SELECT 1');
}
