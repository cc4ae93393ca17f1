// GET /health; GET /quote/:sku → asks the provider (WireMock) GET /prices/:sku, forwarding the
// caller's x-correlation-id, and retries it (3 attempts, 100 ms apart) on a 5xx or a broken
// connection: the retry a failure journey exercises.
import http from 'node:http';

const provider = process.env.PROVIDER_URL;
const log = (fields) =>
  process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), service: 'app', ...fields })}\n`);

async function price(sku, correlationId) {
  let last = '';
  for (let attempt = 1; attempt <= 3; attempt++) {
    try {
      const response = await fetch(`${provider}/prices/${sku}`, {
        headers: { 'x-correlation-id': correlationId },
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
    const sku = /^\/quote\/([\w-]+)$/.exec(req.url ?? '')?.[1];
    if (sku) {
      const answer = await price(sku, correlationId);
      res.writeHead(answer.status, { 'content-type': 'application/json', 'x-attempts': String(answer.attempts) });
      return res.end(answer.body);
    }
    res.writeHead(404).end();
  })
  .listen(8080);
process.on('SIGTERM', () => process.exit(0));
