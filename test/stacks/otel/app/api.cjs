// An API as a team's real service is written: behind an identity provider (JWTs checked with jose against
// its JWKS), OpenTelemetry for context propagation, a schema never changed for tests (no correlation column).
// POST /orders (customer): prices the SKU at the provider, stores the order and an event, tells Kafka and
// RabbitMQ. GET /orders/:id: the customer's own orders only (staff: any). POST /orders/:id/refund: staff only.
const http = require('node:http');
const { context, ROOT_CONTEXT, trace } = require('@opentelemetry/api');
const { Kafka, logLevel } = require('kafkajs');
const amqp = require('amqplib');
const pg = require('pg');

const env = (name) => {
  if (!process.env[name]) throw new Error(`${name} is not set`);
  return process.env[name];
};
// One JSON line per event, with the trace id of the request it belongs to (as an OTel log bridge writes it).
const log = (message, fields = {}) => {
  const span = trace.getActiveSpan();
  const traceId = span?.spanContext().traceId;
  process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), level: 'info', message, trace_id: traceId, ...fields })}\n`);
};

const pool = new pg.Pool({ connectionString: env('DATABASE_URL'), max: 5 });
const kafka = new Kafka({ clientId: 'api', brokers: [env('KAFKA_BROKERS')], logLevel: logLevel.NOTHING });
const producer = kafka.producer({ allowAutoTopicCreation: true });
let channel;
let ready = false;
let jose;
let jwks;

async function connect() {
  jose = await import('jose');
  jwks = jose.createRemoteJWKSet(new URL(`${env('IDP_ISSUER')}/jwks`));
  for (;;) {
    try {
      await pool.query(`
        CREATE TABLE IF NOT EXISTS orders (id uuid PRIMARY KEY, customer text NOT NULL, sku text NOT NULL,
          price_cents int NOT NULL, status text NOT NULL, created_at timestamptz NOT NULL DEFAULT now());
        CREATE TABLE IF NOT EXISTS order_events (id bigserial PRIMARY KEY, order_id uuid NOT NULL REFERENCES orders(id),
          kind text NOT NULL, at timestamptz NOT NULL DEFAULT now());`);
      await producer.connect();
      const connection = await amqp.connect(env('AMQP_URL'));
      channel = await connection.createConfirmChannel();
      await channel.assertExchange('orders', 'topic', { durable: false });
      ready = true;
      log('ready');
      return;
    } catch (error) {
      log('waiting for dependencies', { error: String(error) });
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

async function caller(request) {
  const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
  if (!token) return undefined;
  try {
    const { payload } = await jose.jwtVerify(token, jwks, { issuer: env('IDP_ISSUER'), audience: env('AUDIENCE') });
    return { subject: payload.sub, roles: payload.roles ?? [] };
  } catch (error) {
    log('token refused', { error: String(error) });
    return undefined;
  }
}

const read = (request) =>
  new Promise((resolve) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => resolve(body ? JSON.parse(body) : {}));
  });

async function handle(request, response) {
  const send = (status, body) => {
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body));
  };
  if (request.url === '/health') return send(ready ? 200 : 503, { ready });
  const who = await caller(request);
  if (!who) return send(401, { error: 'a valid bearer token is required' });
  const isStaff = who.roles.includes('staff');

  if (request.method === 'POST' && request.url === '/orders') {
    if (!who.roles.includes('customer')) return send(403, { error: 'only customers order' });
    const { sku } = await read(request);
    const quote = await fetch(`${env('PROVIDER_URL')}/quote/${encodeURIComponent(sku)}`);
    if (!quote.ok) return send(502, { error: `provider answered ${quote.status}` });
    const { priceCents } = await quote.json();
    const id = crypto.randomUUID();
    await pool.query('INSERT INTO orders (id, customer, sku, price_cents, status) VALUES ($1, $2, $3, $4, $5)', [
      id, who.subject, sku, priceCents, 'PLACED',
    ]);
    await pool.query('INSERT INTO order_events (order_id, kind) VALUES ($1, $2)', [id, 'placed']);
    const event = JSON.stringify({ orderId: id, sku, priceCents });
    await producer.send({ topic: 'orders.placed', messages: [{ key: id, value: event }] });
    channel.publish('orders', 'order.placed', Buffer.from(event), { contentType: 'application/json' });
    await channel.waitForConfirms();
    log('order placed', { orderId: id, sku, priceCents });
    return send(201, { id, customer: who.subject, sku, priceCents, status: 'PLACED' });
  }
  // A legacy path that drops the trace context, as a service without instrumentation for its broker client
  // would: its message carries no traceparent (what a journey-scoped tap then says).
  if (request.method === 'POST' && request.url === '/legacy/orders') {
    const { sku } = await read(request);
    const event = JSON.stringify({ orderId: crypto.randomUUID(), sku, priceCents: 0 });
    await context.with(ROOT_CONTEXT, () => producer.send({ topic: 'orders.placed', messages: [{ value: event }] }));
    return send(202, { accepted: true });
  }
  const match = /^\/orders\/([0-9a-f-]{36})(\/refund)?$/.exec(request.url ?? '');
  if (match) {
    const { rows } = await pool.query('SELECT id, customer, sku, price_cents AS "priceCents", status FROM orders WHERE id = $1', [match[1]]);
    const order = rows[0];
    // Another customer's order does not exist, as far as this caller can tell.
    if (!order || (!isStaff && order.customer !== who.subject)) return send(404, { error: 'no such order' });
    if (request.method === 'GET' && !match[2]) return send(200, order);
    if (request.method === 'POST' && match[2]) {
      if (!isStaff) return send(403, { error: 'only staff refund' });
      await pool.query(`UPDATE orders SET status = 'REFUNDED' WHERE id = $1`, [order.id]);
      await pool.query('INSERT INTO order_events (order_id, kind) VALUES ($1, $2)', [order.id, 'refunded']);
      log('order refunded', { orderId: order.id });
      return send(200, { ...order, status: 'REFUNDED' });
    }
  }
  send(404, { error: 'no such route' });
}

http
  .createServer((request, response) =>
    handle(request, response).catch((error) => {
      log('failed', { level: 'error', error: String(error) });
      response.writeHead(500).end();
    }),
  )
  .listen(8080, () => log('listening'));
connect();
