// GET /ok answers { ok: true }. POST /crash answers 202, then the process exits 3 after 300 ms, the
// first time only: a restarted container (same /tmp) keeps answering.
import { existsSync, writeFileSync } from 'node:fs';
import http from 'node:http';

const MARKER = '/tmp/crashed-once';

http
  .createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    if (req.url === '/ok') return res.end(JSON.stringify({ ok: true }));
    if (req.method === 'POST' && req.url === '/crash') {
      const crashes = !existsSync(MARKER);
      if (crashes) {
        writeFileSync(MARKER, new Date().toISOString());
        setTimeout(() => {
          console.error('fatal: out of widgets, exiting 3');
          process.exit(3);
        }, 300);
      }
      res.writeHead(202);
      return res.end(JSON.stringify({ crashes }));
    }
    res.writeHead(404).end('{}');
  })
  .listen(8080);
process.on('SIGTERM', () => process.exit(0));
