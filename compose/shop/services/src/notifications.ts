// notifications: emails the customer once per order outcome through the
// external email provider.
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { connectAmqp } from "./amqp.ts";
import { inTransaction, type Db } from "./db.ts";
import type { ShopEvent } from "./events.ts";
import type { Route } from "./http.ts";
import type { Logger } from "./logger.ts";
import { sendEmail } from "./providers.ts";
import { assert, type ServiceContext, type ServiceParts } from "./runtime.ts";

const templates = {
  "orders.paid": "order-confirmed",
  "orders.payment_failed": "payment-failed",
  "orders.rejected": "order-rejected",
} as const;

export async function startNotifications({ config, log, db, onStop }: ServiceContext<"notifications">): Promise<ServiceParts> {
  const amqp = await connectAmqp(config.AMQP_URL, log, [
    {
      queue: "notifications.order-outcomes",
      routingKeys: ["orders.paid", "orders.payment_failed", "orders.rejected"],
      handle: (event, eventLog) => notify(db, config.EMAIL_PROVIDER_URL, event, eventLog),
    },
  ]);
  onStop("amqp connection", amqp.close);
  onStop("amqp consumers", amqp.stopConsuming);
  return {
    routes: routes(db),
    checks: { rabbitmq: () => assert(amqp.ready(), "not connected") },
  };
}

async function notify(db: Db, providerUrl: string, event: ShopEvent, log: Logger): Promise<void> {
  if (event.type !== "orders.paid" && event.type !== "orders.payment_failed" && event.type !== "orders.rejected") return;
  const template = templates[event.type];
  const recipient = `${event.customerId}@example.com`;
  await inTransaction(db, async (tx) => {
    await tx.query(
      `INSERT INTO notifications (id, order_id, event_type, template, recipient, status, correlation_id)
       VALUES ($1, $2, $3, $4, $5, 'PENDING', $6) ON CONFLICT (order_id, event_type) DO NOTHING`,
      [randomUUID(), event.orderId, event.type, template, recipient, event.correlationId],
    );
    // Locked across the provider call so a redelivery cannot send a second email.
    const { rows } = await tx.query<{ id: string; status: string }>(
      "SELECT id, status FROM notifications WHERE order_id = $1 AND event_type = $2 FOR UPDATE",
      [event.orderId, event.type],
    );
    const notification = rows[0];
    if (!notification || notification.status !== "PENDING") {
      log.info("duplicate notification ignored", { type: event.type });
      return;
    }
    const { type: _type, eventId: _id, occurredAt: _at, correlationId: _cid, ...variables } = event;
    const { messageId } = await sendEmail(
      providerUrl,
      { to: recipient, template, orderId: event.orderId, variables },
      event.correlationId,
      notification.id,
    );
    await tx.query("UPDATE notifications SET status = 'SENT', provider_message_id = $2, updated_at = now() WHERE id = $1", [
      notification.id,
      messageId,
    ]);
    log.info("notification sent", { template, recipient });
  });
}

function routes(db: Db): Route[] {
  return [
    {
      method: "GET",
      path: "/notifications",
      handler: async ({ query }) => {
        const orderId = z.uuid().parse(query.get("orderId"));
        const { rows } = await db.query(
          `SELECT id, order_id AS "orderId", event_type AS "eventType", template, recipient, status,
                  provider_message_id AS "providerMessageId", correlation_id AS "correlationId",
                  created_at AS "createdAt", updated_at AS "updatedAt"
           FROM notifications WHERE order_id = $1 ORDER BY created_at`,
          [orderId],
        );
        return { status: 200, body: rows };
      },
    },
  ];
}
