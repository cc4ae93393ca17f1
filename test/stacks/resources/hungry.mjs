// A service that uses memory on request, for the resources fixture's tests (test/resources/):
// POST /allocate?mb=N&holdMs=M takes N MB (touched, so the kernel counts it) and answers once it has
// held them for M ms, then lets them go; POST /grow?stepMb=S&everyMs=T grows by S MB every T ms
// until the container's limit stops it (an OOM kill).
import http from 'node:http';

const held = [];
const log = (fields) => process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), ...fields })}\n`);

http
  .createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://hungry');
    const number = (name, fallback) => Number(url.searchParams.get(name) ?? fallback);
    if (url.pathname === '/health') return response.end('ok');
    if (request.method === 'POST' && url.pathname === '/allocate') {
      const mb = number('mb', 10);
      const chunk = Buffer.alloc(mb * 1024 * 1024, 1);
      held.push(chunk);
      log({ msg: 'allocated', mb });
      setTimeout(
        () => {
          held.splice(held.indexOf(chunk), 1);
          globalThis.gc?.(); // give it back now, as a service that frees what it used does
          response.setHeader('content-type', 'application/json');
          response.end(JSON.stringify({ allocatedMb: mb }));
        },
        number('holdMs', 1000),
      );
      return;
    }
    if (request.method === 'POST' && url.pathname === '/grow') {
      const stepMb = number('stepMb', 16);
      log({ msg: 'growing', stepMb });
      setInterval(
        () => {
          held.push(Buffer.alloc(stepMb * 1024 * 1024, 1));
          log({ msg: 'grew', totalMb: held.length * stepMb });
        },
        number('everyMs', 200),
      );
      return; // no answer: the kernel ends it
    }
    response.statusCode = 404;
    response.end();
  })
  .listen(8080, () => log({ msg: 'listening' }));
process.on('SIGTERM', () => process.exit(0));
