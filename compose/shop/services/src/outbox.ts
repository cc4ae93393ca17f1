// Transactional outbox relay: publishes rows written by `enqueueEvent` and
// marks them published. Several relays (replicas) can run at once because
// each batch is claimed with FOR UPDATE SKIP LOCKED. LISTEN/NOTIFY wakes the
// relay at commit time; a short poll covers missed notifications.
import pg from "pg";
import { inTransaction, type Db } from "./db.ts";
import { eventTransport, shopEvent, type ShopEvent } from "./events.ts";
import type { Logger } from "./logger.ts";

const BATCH_SIZE = 100;
const POLL_INTERVAL_MS = 1000;

export type Publish = (events: ShopEvent[]) => Promise<void>;

export interface OutboxRelay {
  /** The LISTEN connection is up, so new events are published within milliseconds. */
  listening(): boolean;
  stop(): Promise<void>;
}

/** Sends each event to the broker its type travels on (see `eventTransport`). */
export function routeEvents(publishers: { kafka?: Publish; amqp?: Publish }): Publish {
  return async (events) => {
    for (const transport of ["kafka", "amqp"] as const) {
      const batch = events.filter((event) => eventTransport[event.type] === transport);
      if (batch.length === 0) continue;
      const publish = publishers[transport];
      if (!publish) throw new Error(`no ${transport} publisher for ${batch.map((e) => e.type).join(", ")}`);
      await publish(batch);
    }
  };
}

export async function startOutboxRelay(db: Db, databaseUrl: string, publish: Publish, log: Logger): Promise<OutboxRelay> {
  let stopped = false;
  let draining: Promise<void> | undefined;
  let again = false;
  let listener: pg.Client | undefined;

  const drainOnce = async (): Promise<number> =>
    inTransaction(db, async (tx) => {
      const started = performance.now();
      const { rows } = await tx.query<{ id: string; payload: unknown }>(
        `SELECT id, payload FROM outbox WHERE published_at IS NULL
         ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [BATCH_SIZE],
      );
      if (rows.length === 0) return 0;
      const events = rows.map((row) => shopEvent.parse(row.payload));
      // Rows stay locked while publishing: if the broker fails, the
      // transaction rolls back and the rows are retried (at-least-once).
      const claimedMs = Math.round(performance.now() - started);
      await publish(events);
      const publishMs = Math.round(performance.now() - started) - claimedMs;
      await tx.query("UPDATE outbox SET published_at = now() WHERE id = ANY($1::bigint[])", [rows.map((r) => r.id)]);
      for (const event of events) {
        log.info("event published", {
          type: event.type,
          eventId: event.eventId,
          orderId: event.orderId,
          correlationId: event.correlationId,
          claimedMs,
          publishMs,
        });
      }
      return rows.length;
    });

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
        } catch (err) {
          log.warn("outbox publish failed, will retry", { err });
        }
      } while (again && !stopped);
    })().finally(() => (draining = undefined));
  };

  const listen = async (): Promise<void> => {
    const client = new pg.Client({ connectionString: databaseUrl, application_name: "outbox-relay" });
    client.on("notification", wake);
    client.on("error", (err) => {
      log.warn("outbox listener lost, reconnecting", { err });
      listener = undefined;
      client.end().catch(() => undefined);
      setTimeout(() => !stopped && listen().catch((e) => log.warn("outbox listen failed", { err: e })), POLL_INTERVAL_MS);
    });
    await client.connect();
    await client.query("LISTEN outbox");
    listener = client;
    wake(); // catch up on anything committed while not listening
  };

  await listen();
  const poll = setInterval(wake, POLL_INTERVAL_MS);
  return {
    listening: () => listener !== undefined,
    async stop() {
      stopped = true;
      clearInterval(poll);
      await draining;
      await listener?.end();
    },
  };
}
