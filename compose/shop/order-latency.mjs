#!/usr/bin/env node
// Order latency through a running shop stack: places orders one after another and
// reports how long each took from POST /orders to PAID, two ways:
//   db:   the order's updatedAt - createdAt (both set by Postgres: no polling error)
//   wall: from sending the POST to the first GET that saw PAID (polls every 5 ms)
//   node compose/shop/order-latency.mjs <project> [count=20]
//   (ORDER_LATENCY_OFFLINE=0 to leave out compose.offline.yml)
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const [project, countArg] = process.argv.slice(2);
if (!project) {
  console.error('usage: order-latency.mjs <compose project> [count]');
  process.exit(2);
}
const count = Number(countArg ?? 20);
const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const files = ['-f', here('./compose.yml')];
if (process.env.ORDER_LATENCY_OFFLINE !== '0') files.push('-f', here('./compose.offline.yml'));
const port = (service) =>
  execFileSync('docker', ['compose', '-p', project, ...files, 'port', service, '8080'], { encoding: 'utf8' }).trim();
const orders = `http://${port('orders')}`;
const inventory = `http://${port('inventory')}`;
const idp = `http://${port('idp')}`;

// orders wants a customer's JWT: the shop's test identity provider logs in any customer-* user.
const login = await fetch(`${idp}/token`, {
  method: 'POST',
  headers: {
    'content-type': 'application/x-www-form-urlencoded',
    authorization: `Basic ${Buffer.from('shop-web:shop-web-secret-3c9f').toString('base64')}`,
  },
  body: new URLSearchParams({
    grant_type: 'password',
    username: 'customer-latency',
    password: 'customer-password-51b7',
  }),
});
if (!login.ok) throw new Error(`token: ${login.status} ${await login.text()}`);
const { access_token: token } = await login.json();

async function call(method, url, body) {
  const res = await fetch(url, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${await res.text()}`);
  return res.json();
}

const sku = `latency-${Date.now()}`;
await call('POST', `${inventory}/products`, { sku, stock: count * 2 });
const db = [];
const wall = [];
for (let i = 0; i < count; i++) {
  const started = performance.now();
  const order = await call('POST', `${orders}/orders`, {
    items: [{ sku, quantity: 1, unitPriceCents: 100 }],
  });
  let seen = order;
  for (const deadline = Date.now() + 10_000; seen.status === 'PENDING' && Date.now() < deadline; ) {
    await new Promise((r) => setTimeout(r, 5));
    seen = await call('GET', `${orders}/orders/${order.id}`);
  }
  if (seen.status !== 'PAID') throw new Error(`order ${order.id} ended ${seen.status} (${seen.statusReason})`);
  wall.push(performance.now() - started);
  db.push(Date.parse(seen.updatedAt) - Date.parse(seen.createdAt));
}
const summary = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q) => Math.round(s[Math.min(s.length - 1, Math.floor(q * s.length))]);
  return `p50 ${at(0.5)} ms, p95 ${at(0.95)} ms, max ${Math.round(s[s.length - 1])} ms`;
};
console.log(`order placed -> PAID over ${count} orders: db ${summary(db)}; wall ${summary(wall)}`);
