// Each service's schema, as idempotent SQL the migrate job applies on every
// start. Nothing in it exists for tests: journeys find their rows by the ids the API returned.

// Shared by the services that publish events: rows are written in the same
// transaction as the state change and published by the outbox relay. The
// statement-level trigger wakes relays (LISTEN outbox) at commit time.
const outbox = `
CREATE TABLE IF NOT EXISTS outbox (
  id             bigserial PRIMARY KEY,
  event_id       uuid NOT NULL UNIQUE,
  event_type     text NOT NULL,
  order_id       uuid NOT NULL,
  payload        jsonb NOT NULL,
  -- The W3C trace context of the transaction that wrote it (OpenTelemetry's propagation.inject): the
  -- relay publishes within it, so the event continues the request's trace however late it is sent.
  trace_context  jsonb NOT NULL DEFAULT '{}',
  created_at     timestamptz NOT NULL DEFAULT now(),
  published_at   timestamptz
);
CREATE INDEX IF NOT EXISTS outbox_unpublished ON outbox (id) WHERE published_at IS NULL;
CREATE OR REPLACE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('outbox', '');
  RETURN NULL;
END $$;
CREATE OR REPLACE TRIGGER outbox_notify AFTER INSERT ON outbox
  FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify();
`;

const timestamps = `
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now()`;

export const schemas = {
  orders: `
CREATE TABLE IF NOT EXISTS orders (
  id            uuid PRIMARY KEY,
  customer_id   text NOT NULL,
  status        text NOT NULL CHECK (status IN ('PENDING', 'PAID', 'PAYMENT_FAILED', 'REJECTED', 'REFUNDED')),
  status_reason text,
  total_cents   bigint NOT NULL,
  card_token    text NOT NULL,${timestamps}
);
CREATE INDEX IF NOT EXISTS orders_by_customer ON orders (customer_id, created_at);
CREATE TABLE IF NOT EXISTS order_lines (
  order_id         uuid NOT NULL REFERENCES orders (id),
  line_no          int NOT NULL,
  sku              text NOT NULL,
  quantity         int NOT NULL,
  unit_price_cents bigint NOT NULL,
  PRIMARY KEY (order_id, line_no)
);
${outbox}`,

  inventory: `
CREATE TABLE IF NOT EXISTS products (
  sku      text PRIMARY KEY,
  name     text,
  stock    int NOT NULL CHECK (stock >= 0),
  reserved int NOT NULL DEFAULT 0 CHECK (reserved >= 0),${timestamps}
);
-- One row per order: the primary key is what makes reserving idempotent.
CREATE TABLE IF NOT EXISTS reservations (
  order_id uuid PRIMARY KEY,
  status   text NOT NULL CHECK (status IN ('RESERVED', 'REJECTED', 'RELEASED')),
  reason   text,
  items    jsonb NOT NULL,${timestamps}
);
${outbox}`,

  payments: `
CREATE TABLE IF NOT EXISTS payments (
  id                 uuid PRIMARY KEY,
  order_id           uuid NOT NULL UNIQUE,
  status             text NOT NULL,
  amount_cents       bigint NOT NULL,
  provider_charge_id text,
  decline_reason     text,${timestamps}
);
-- FAILED: no answer from the provider (decline_reason provider_unavailable) or a refused request.
-- Replaced on every run so databases made by an older schema accept it too.
ALTER TABLE payments DROP CONSTRAINT IF EXISTS payments_status_check;
ALTER TABLE payments ADD CONSTRAINT payments_status_check CHECK (status IN ('PENDING', 'CAPTURED', 'DECLINED', 'FAILED'));
${outbox}`,

  notifications: `
CREATE TABLE IF NOT EXISTS notifications (
  id                  uuid PRIMARY KEY,
  order_id            uuid NOT NULL,
  event_type          text NOT NULL,
  template            text NOT NULL,
  recipient           text NOT NULL,
  status              text NOT NULL,
  provider_message_id text,${timestamps},
  UNIQUE (order_id, event_type)
);
-- FAILED: the email provider refused the email (a 4xx); replaced on every run, as for payments.
ALTER TABLE notifications DROP CONSTRAINT IF EXISTS notifications_status_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_status_check CHECK (status IN ('PENDING', 'SENT', 'FAILED'));`,
} as const;

export type DatabaseName = keyof typeof schemas;
