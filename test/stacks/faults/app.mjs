// GET /health; GET /quote/:sku → asks the provider (WireMock) GET /prices/:sku, forwarding the
// caller's x-correlation-id, and retries it (3 attempts, 100 ms apart) on a 5xx or a broken
// connection: the retry a failure journey exercises. GET /traced-quote/:sku does the same as a
// service instrumented with OpenTelemetry would: it passes on only the W3C trace context (the
// caller's trace id in `traceparent`, a span of its own), never x-correlation-id.
import { randomBytes } from 'node:crypto';
import http from 'node:http';

const provider = process.env.PROVIDER_URL;
const log = (fields) =>
  process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), service: 'app', ...fields })}\n`);

/** The outbound `traceparent` of a call made on behalf of `incoming`: same trace, a new span. */
function childTraceparent(incoming) {
  const parsed = /^00-([0-9a-f]{32})-[0-9a-f]{16}-([0-9a-f]{2})$/.exec(incoming ?? '');
  return parsed ? `00-${parsed[1]}-${randomBytes(8).toString('hex')}-${parsed[2]}` : undefined;
}

async function price(sku, correlationId, headers = { 'x-correlation-id': correlationId }) {
  let last = '';
  for (let attempt = 1; attempt <= 3; attempt++) {
    try {
      const response = await fetch(`${provider}/prices/${sku}`, {
        headers,
        signal: AbortSignal.timeout(2_000),
      });
      const text = await response.text();
      if (response.status < 500) {
        log({ msg: 'priced', correlationId, sku, attempt, status: response.status });
        return { status: response.status, body: text, attempts: attempt };
      }
      last = `answered ${response.status}`;
    } catch (error) {
      last = `${error.message}${error.cause?.code ? ` (${error.cause.code})` : ''}`;
    }
    log({ msg: 'provider attempt failed', correlationId, sku, attempt, failure: last });
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { status: 502, body: JSON.stringify({ error: `provider unavailable: ${last}` }), attempts: 3 };
}

http
  .createServer(async (req, res) => {
    const correlationId = req.headers['x-correlation-id'] ?? 'none';
    res.setHeader('x-correlation-id', correlationId);
    if (req.url === '/health') return res.end('ok');
    const traced = /^\/traced-quote\/([\w-]+)$/.exec(req.url ?? '')?.[1];
    const sku = /^\/quote\/([\w-]+)$/.exec(req.url ?? '')?.[1] ?? traced;
    if (sku) {
      const traceparent = childTraceparent(req.headers.traceparent);
      const answer = await price(sku, correlationId, traced ? (traceparent ? { traceparent } : {}) : undefined);
      res.writeHead(answer.status, { 'content-type': 'application/json', 'x-attempts': String(answer.attempts) });
      return res.end(answer.body);
    }
    res.writeHead(404).end();
  })
  .listen(8080);
process.on('SIGTERM', () => process.exit(0));
