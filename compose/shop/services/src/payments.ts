// payments: charges reserved orders through the external provider, once per
// order, and publishes the outcome to Kafka through the outbox.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { connectAmqp } from './amqp.ts';
import { CircuitBreaker } from './circuit-breaker.ts';
import { type Db, enqueueEvent, inTransaction } from './db.ts';
import { type EventOf, newEvent } from './events.ts';
import type { Route } from './http.ts';
import { createKafka, createKafkaProbe, createKafkaPublisher } from './kafka.ts';
import type { Logger } from './logger.ts';
import { routeEvents, startOutboxRelay } from './outbox.ts';
import { type ChargeResult, charge, ProviderRejectedError, ProviderUnavailableError } from './providers.ts';
import { assert, type ServiceContext, type ServiceParts } from './runtime.ts';

export async function startPayments({ config, log, db, onStop }: ServiceContext<'payments'>): Promise<ServiceParts> {
  const kafka = createKafka('payments', config.KAFKA_BROKERS, log);
  const probe = await createKafkaProbe(kafka, log);
  onStop('kafka probe', probe.stop);
  const producer = await createKafkaPublisher(kafka);
  onStop('kafka producer', producer.stop);
  // One breaker for the provider, shared by every order: a provider that keeps failing is not called for each.
  const breaker = new CircuitBreaker(
    'payment provider',
    { failures: config.CHARGE_BREAKER_FAILURES, pauseMs: config.CHARGE_BREAKER_PAUSE_MS },
    log,
  );
  const amqp = await connectAmqp(config.AMQP_URL, log, [
    {
      queue: 'payments.inventory-reserved',
      routingKeys: ['inventory.reserved'],
      handle: (event, eventLog) =>
        event.type === 'inventory.reserved'
          ? chargeOrder(db, config.PAYMENT_PROVIDER_URL, breaker, event, eventLog)
          : Promise.resolve(),
    },
  ]);
  onStop('amqp connection', amqp.close);
  const relay = await startOutboxRelay(db, config.DATABASE_URL, routeEvents({ kafka: producer.publish }), log);
  onStop('outbox relay', relay.stop);
  onStop('amqp consumers', amqp.stopConsuming);

  return {
    routes: routes(db),
    checks: {
      kafka: probe.check,
      rabbitmq: () => assert(amqp.ready(), 'not connected'),
      outbox: () => assert(relay.listening(), 'relay is not listening'),
    },
  };
}

async function chargeOrder(
  db: Db,
  providerUrl: string,
  breaker: CircuitBreaker,
  event: EventOf<'inventory.reserved'>,
  log: Logger,
): Promise<void> {
  await inTransaction(db, async (tx) => {
    await tx.query(
      `INSERT INTO payments (id, order_id, status, amount_cents) VALUES ($1, $2, 'PENDING', $3)
       ON CONFLICT (order_id) DO NOTHING`,
      [randomUUID(), event.orderId, event.amountCents],
    );
    // The row lock is held across the provider call on purpose: a duplicate
    // delivery waits here and then sees the final status instead of charging
    // the card a second time. The call is bounded by the retry policy (CHARGE_RETRY).
    const { rows } = await tx.query<{ id: string; status: string }>(
      'SELECT id, status FROM payments WHERE order_id = $1 FOR UPDATE',
      [event.orderId],
    );
    const payment = rows[0];
    if (payment?.status !== 'PENDING') {
      log.info('duplicate inventory.reserved ignored', { status: payment?.status });
      return;
    }
    // Retries (same idempotency key, bounded, see providers.ts) happen here, under the
    // lock: a duplicate event meanwhile waits for the outcome instead of charging again.
    const result = await chargeOrFail(
      providerUrl,
      { orderId: event.orderId, amountCents: event.amountCents, cardToken: event.cardToken },
      log,
      undefined,
      breaker,
    );
    const base = {
      orderId: event.orderId,
      paymentId: payment.id,
      amountCents: event.amountCents,
    };
    if (result.outcome === 'captured') {
      await tx.query(
        "UPDATE payments SET status = 'CAPTURED', provider_charge_id = $2, updated_at = now() WHERE id = $1",
        [payment.id, result.chargeId],
      );
      await enqueueEvent(tx, newEvent('payments.captured', { ...base, providerChargeId: result.chargeId }));
    } else {
      const status = result.outcome === 'declined' ? 'DECLINED' : 'FAILED';
      await tx.query('UPDATE payments SET status = $3, decline_reason = $2, updated_at = now() WHERE id = $1', [
        payment.id,
        result.reason,
        status,
      ]);
      // No money moved either way: the order fails and inventory releases the stock.
      await enqueueEvent(tx, newEvent('payments.declined', { ...base, reason: result.reason }));
    }
    log.info('payment processed', { outcome: result.outcome, amountCents: event.amountCents });
  });
}

type PaymentOutcome = ChargeResult | { outcome: 'failed'; reason: 'provider_unavailable' | 'provider_rejected' };

/**
 * The provider's answer, or a failure that ends the payment: every attempt timed out or
 * failed (provider_unavailable), or the provider refused the request (provider_rejected).
 * Anything else (a bug, the database) is thrown and the event redelivered.
 */
async function chargeOrFail(...args: Parameters<typeof charge>): Promise<PaymentOutcome> {
  const log = args[2];
  try {
    return await charge(...args);
  } catch (err) {
    if (err instanceof ProviderUnavailableError) {
      log.error('payment failed: provider unavailable', { attempts: err.attempts, failure: err.lastFailure });
      return { outcome: 'failed', reason: 'provider_unavailable' };
    }
    if (err instanceof ProviderRejectedError) {
      log.error('payment failed: provider rejected the request', { status: err.status, err });
      return { outcome: 'failed', reason: 'provider_rejected' };
    }
    throw err;
  }
}

function routes(db: Db): Route[] {
  return [
    {
      method: 'GET',
      path: '/payments',
      handler: async ({ query }) => {
        const orderId = z.uuid().parse(query.get('orderId'));
        const { rows } = await db.query(
          `SELECT id, order_id AS "orderId", status, amount_cents AS "amountCents",
                  provider_charge_id AS "providerChargeId", decline_reason AS "declineReason",
                  created_at AS "createdAt", updated_at AS "updatedAt"
           FROM payments WHERE order_id = $1`,
          [orderId],
        );
        return { status: 200, body: rows };
      },
    },
  ];
}
