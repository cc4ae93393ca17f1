// Transactional outbox relay: publishes rows written by `enqueueEvent` and
// marks them published. Several relays (replicas) can run at once because
// each batch is claimed with FOR UPDATE SKIP LOCKED. LISTEN/NOTIFY wakes the
// relay at commit time; a poll covers what no notification announced.
//
// Across outages: a batch whose publish fails (broker down) rolls back and is
// retried with backoff until the broker is back, so nothing is lost; a batch the
// broker took but whose commit failed is published again (at-least-once: every
// consumer is idempotent). The LISTEN connection reconnects on its own.
import { context, propagation, ROOT_CONTEXT } from '@opentelemetry/api';
import pg from 'pg';
import { type Db, inTransaction } from './db.ts';
import { eventTransport, type ShopEvent, shopEvent } from './events.ts';
import type { Logger } from './logger.ts';
import { sleep, withTimeout } from './util.ts';

const BATCH_SIZE = 100;
// While LISTEN works, notifications do the waking and the poll is only a safety net;
// without it, poll often. Idle relays then cost next to nothing.
const POLL_LISTENING_MS = 30_000;
const POLL_NOT_LISTENING_MS = 1000;
// After a failed publish: retry soon, then less often while the broker stays away.
const RETRY_MIN_MS = 250;
const RETRY_MAX_MS = 2000;
// A publish that neither succeeds nor fails (a broker that went silent) must not hold
// the batch's row locks forever.
const PUBLISH_TIMEOUT_MS = 15_000;
const RELISTEN_MIN_MS = 250;
const RELISTEN_MAX_MS = 5000;

export type Publish = (events: ShopEvent[]) => Promise<void>;

export interface OutboxRelay {
  /** The LISTEN connection is up, so new events are published within milliseconds. */
  listening(): boolean;
  stop(): Promise<void>;
}

/** Sends each event to the broker its type travels on (see `eventTransport`). */
export function routeEvents(publishers: { kafka?: Publish; amqp?: Publish }): Publish {
  return async (events) => {
    for (const transport of ['kafka', 'amqp'] as const) {
      const batch = events.filter((event) => eventTransport[event.type] === transport);
      if (batch.length === 0) continue;
      const publish = publishers[transport];
      if (!publish) throw new Error(`no ${transport} publisher for ${batch.map((e) => e.type).join(', ')}`);
      await publish(batch);
    }
  };
}

export async function startOutboxRelay(
  db: Db,
  databaseUrl: string,
  publish: Publish,
  log: Logger,
): Promise<OutboxRelay> {
  let stopped = false;
  let draining: Promise<void> | undefined;
  let again = false;
  let listener: pg.Client | undefined;
  let failures = 0;
  let timer: NodeJS.Timeout | undefined;

  const drainOnce = async (): Promise<number> =>
    inTransaction(db, async (tx) => {
      const started = performance.now();
      const { rows } = await tx.query<{ id: string; payload: unknown; trace_context: Record<string, string> }>(
        `SELECT id, payload, trace_context FROM outbox WHERE published_at IS NULL
         ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [BATCH_SIZE],
      );
      if (rows.length === 0) return 0;
      const events = rows.map((row) => ({
        event: shopEvent.parse(row.payload),
        // The trace of the transaction that wrote the event: its messages continue it.
        trace: propagation.extract(ROOT_CONTEXT, row.trace_context),
      }));
      // Rows stay locked while publishing: if the broker fails, the
      // transaction rolls back and the rows are retried (at-least-once).
      const claimedMs = Math.round(performance.now() - started);
      const publishAll = async () => {
        for (const { event, trace } of events) await context.with(trace, () => publish([event]));
      };
      await withTimeout(publishAll(), PUBLISH_TIMEOUT_MS, 'outbox publish');
      const publishMs = Math.round(performance.now() - started) - claimedMs;
      await tx.query('UPDATE outbox SET published_at = now() WHERE id = ANY($1::bigint[])', [rows.map((r) => r.id)]);
      for (const { event, trace } of events) {
        context.with(trace, () =>
          log.info('event published', {
            type: event.type,
            eventId: event.eventId,
            orderId: event.orderId,
            claimedMs,
            publishMs,
          }),
        );
      }
      return rows.length;
    });

  /** The next unprompted drain: a retry after a failure, else the poll. */
  const schedule = (): void => {
    clearTimeout(timer);
    if (stopped) return;
    const delay =
      failures > 0
        ? Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** (failures - 1))
        : listener
          ? POLL_LISTENING_MS
          : POLL_NOT_LISTENING_MS;
    timer = setTimeout(wake, delay);
  };

  const wake = (): void => {
    if (stopped) return;
    if (draining) {
      again = true;
      return;
    }
    draining = (async () => {
      do {
        again = false;
        try {
          while (!stopped && (await drainOnce()) === BATCH_SIZE);
          if (failures > 0) log.info('outbox publishing again', { failedAttempts: failures });
          failures = 0;
        } catch (err) {
          failures++;
          // Once per outage at warn, then quietly: the broker may be away for a while.
          if (failures === 1 || failures % 20 === 0) log.warn('outbox publish failed, will retry', { err, failures });
          break;
        }
      } while (again && !stopped);
    })().finally(() => {
      draining = undefined;
      schedule();
    });
  };

  const listenOnce = async (): Promise<void> => {
    const client = new pg.Client({ connectionString: databaseUrl, application_name: 'outbox-relay', keepAlive: true });
    let lost = false;
    const onLost = (err?: Error) => {
      if (lost) return;
      lost = true;
      if (listener === client) listener = undefined;
      client.end().catch(() => undefined);
      if (stopped) return;
      log.warn('outbox listener lost, reconnecting', { err });
      schedule(); // poll often until listening again
      void listen();
    };
    client.on('notification', wake);
    client.on('error', onLost);
    client.on('end', () => onLost());
    try {
      await client.connect();
      await client.query('LISTEN outbox');
    } catch (err) {
      lost = true; // not yet listening: the caller retries
      client.end().catch(() => undefined);
      throw err;
    }
    listener = client;
    wake(); // catch up on anything committed while not listening
  };

  let listening: Promise<void> | undefined;
  const listen = (): Promise<void> =>
    (listening ??= (async () => {
      for (let attempt = 1; !stopped; attempt++) {
        try {
          await listenOnce();
          if (attempt > 1) log.info('outbox listening again', { attempts: attempt });
          return;
        } catch (err) {
          if (attempt === 1) log.warn('outbox listen failed, retrying', { err });
          await sleep(Math.min(RELISTEN_MAX_MS, RELISTEN_MIN_MS * 2 ** (attempt - 1)));
        }
      }
    })().finally(() => (listening = undefined)));

  // The first LISTEN must work (the database is up when a service starts); later ones retry.
  await listenOnce();
  schedule();
  return {
    listening: () => listener !== undefined,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await draining;
      const client = listener;
      listener = undefined;
      await client?.end();
    },
  };
}
