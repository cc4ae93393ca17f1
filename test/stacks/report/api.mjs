// GET /quote/:sku → { sku, priceCents } from the pricing provider (WireMock). Logs carelessly on purpose.
import http from 'node:http';

const log = (fields) =>
  process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), service: 'api', ...fields })}\n`);
const provider = new URL(process.env.PRICING_URL);
const token = process.env.PRICING_API_TOKEN;
log({ msg: `starting with provider ${process.env.PRICING_URL} and token ${token}` });

http
  .createServer(async (req, res) => {
    const correlationId = req.headers['x-correlation-id'] ?? 'none';
    res.setHeader('x-correlation-id', correlationId);
    if (req.url === '/health') return res.end('ok');
    const sku = /^\/quote\/([\w-]+)$/.exec(req.url ?? '')?.[1];
    if (!sku) return res.writeHead(404).end();
    log({ msg: 'quote requested', correlationId, sku, authorization: req.headers.authorization });
    const upstream = await fetch(`http://${provider.host}/prices/${sku}`, {
      headers: { authorization: `Bearer ${token}`, 'x-correlation-id': correlationId },
    });
    const price = await upstream.json();
    log({
      msg: `priced by ${provider.href}`,
      correlationId,
      sku,
      status: upstream.status,
      priceCents: price.priceCents,
    });
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ sku, priceCents: price.priceCents }));
  })
  .listen(8080);
process.on('SIGTERM', () => process.exit(0));
