// GET /booking answers CONFIRMED where its contract says BOOKED (a product bug). POST /sicken makes the
// service sick for `ms`: /health and /ok answer 503 meanwhile, so Docker holds it unhealthy.
import http from 'node:http';

let sickUntil = 0;
const sick = () => Date.now() < sickUntil;

http
  .createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    if (req.url === '/health' || req.url === '/ok') {
      res.writeHead(sick() ? 503 : 200);
      return res.end(JSON.stringify({ ok: !sick() }));
    }
    if (req.url === '/booking') return res.end(JSON.stringify({ id: 1, status: 'CONFIRMED' }));
    if (req.method === 'POST' && req.url?.startsWith('/sicken')) {
      sickUntil = Date.now() + Number(new URL(req.url, 'http://x').searchParams.get('ms') ?? 3000);
      return res.end(JSON.stringify({ sickUntil }));
    }
    res.writeHead(404).end('{}');
  })
  .listen(8080);
process.on('SIGTERM', () => process.exit(0));
