// notifications: emails the customer once per order outcome through the
// external email provider.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { connectAmqp } from './amqp.ts';
import { type Db, inTransaction } from './db.ts';
import type { ShopEvent } from './events.ts';
import type { Route } from './http.ts';
import type { Logger } from './logger.ts';
import { ProviderRejectedError, sendEmail } from './providers.ts';
import { assert, type ServiceContext, type ServiceParts } from './runtime.ts';

const templates = {
  'orders.paid': 'order-confirmed',
  'orders.payment_failed': 'payment-failed',
  'orders.rejected': 'order-rejected',
} as const;

export async function startNotifications({
  config,
  log,
  db,
  onStop,
}: ServiceContext<'notifications'>): Promise<ServiceParts> {
  const amqp = await connectAmqp(config.AMQP_URL, log, [
    {
      queue: 'notifications.order-outcomes',
      routingKeys: ['orders.paid', 'orders.payment_failed', 'orders.rejected'],
      handle: (event, eventLog) => notify(db, config.EMAIL_PROVIDER_URL, event, eventLog),
    },
  ]);
  onStop('amqp connection', amqp.close);
  onStop('amqp consumers', amqp.stopConsuming);
  return {
    routes: routes(db),
    checks: { rabbitmq: () => assert(amqp.ready(), 'not connected') },
  };
}

// Namespace for notification ids (a UUID v5 of order id and event type).
const NOTIFICATION_NAMESPACE = '6f1d3c3e-8a4b-5b8e-9a59-2f4b1a7e0c11';

/**
 * One id per order and outcome, the same on every delivery of the event: it is the row's
 * primary key and the email's idempotency key, so a retry after a rolled-back attempt
 * (provider down, crash) asks the provider for the same email, not a second one.
 */
export function notificationId(orderId: string, eventType: string): string {
  const hash = createHash('sha1')
    .update(Buffer.from(NOTIFICATION_NAMESPACE.replaceAll('-', ''), 'hex'))
    .update(`${orderId}/${eventType}`)
    .digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50; // version 5
  hash[8] = (hash[8]! & 0x3f) | 0x80; // RFC 4122 variant
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

async function notify(db: Db, providerUrl: string, event: ShopEvent, log: Logger): Promise<void> {
  if (event.type !== 'orders.paid' && event.type !== 'orders.payment_failed' && event.type !== 'orders.rejected')
    return;
  const template = templates[event.type];
  const recipient = `${event.customerId}@example.com`;
  await inTransaction(db, async (tx) => {
    await tx.query(
      `INSERT INTO notifications (id, order_id, event_type, template, recipient, status)
       VALUES ($1, $2, $3, $4, $5, 'PENDING') ON CONFLICT DO NOTHING`,
      [notificationId(event.orderId, event.type), event.orderId, event.type, template, recipient],
    );
    // Locked across the provider call so a redelivery cannot send a second email.
    const { rows } = await tx.query<{ id: string; status: string }>(
      'SELECT id, status FROM notifications WHERE order_id = $1 AND event_type = $2 FOR UPDATE',
      [event.orderId, event.type],
    );
    const notification = rows[0];
    if (notification?.status !== 'PENDING') {
      log.info('duplicate notification ignored', { type: event.type });
      return;
    }
    const { type: _type, eventId: _id, occurredAt: _at, ...variables } = event;
    let messageId: string | null;
    try {
      // Retried with backoff (EMAIL_RETRY); still unavailable: thrown, rolled back, and the
      // event comes back from RabbitMQ for another round with the same key.
      ({ messageId } = await sendEmail(
        providerUrl,
        { to: recipient, template, orderId: event.orderId, variables },
        notification.id,
        log,
      ));
    } catch (err) {
      if (!(err instanceof ProviderRejectedError)) throw err;
      // The provider refuses this email: redelivering it would only loop.
      await tx.query("UPDATE notifications SET status = 'FAILED', updated_at = now() WHERE id = $1", [notification.id]);
      log.error('notification failed: provider rejected the email', { template, recipient, status: err.status, err });
      return;
    }
    await tx.query(
      "UPDATE notifications SET status = 'SENT', provider_message_id = $2, updated_at = now() WHERE id = $1",
      [notification.id, messageId],
    );
    log.info('notification sent', { template, recipient });
  });
}

function routes(db: Db): Route[] {
  return [
    {
      method: 'GET',
      path: '/notifications',
      handler: async ({ query }) => {
        const orderId = z.uuid().parse(query.get('orderId'));
        const { rows } = await db.query(
          `SELECT id, order_id AS "orderId", event_type AS "eventType", template, recipient, status,
                  provider_message_id AS "providerMessageId",
                  created_at AS "createdAt", updated_at AS "updatedAt"
           FROM notifications WHERE order_id = $1 ORDER BY created_at`,
          [orderId],
        );
        return { status: 200, body: rows };
      },
    },
  ];
}
