// The egress guard: the DNS server of every service of a stack that reaches nothing outside itself
// (`x-journeys.egress: none`). Docker's embedded DNS answers the stack's own service names and
// forwards every other name here: the guard answers "no such name" (NXDOMAIN), so nothing outside is
// reached by name, and remembers who asked for what. Runs as `node -e` in a stock Node image: no file
// to mount, so it works on a remote engine too. GET /attempts?since=<ms> lists what was asked since.

export const GUARD_SERVICE = 'journeys-egress-guard';
export const GUARD_HTTP_PORT = 8080;

export const GUARD_SCRIPT = `
const dgram = require('node:dgram');
const http = require('node:http');
const attempts = [];
const dns = dgram.createSocket('udp4');
dns.on('message', (query, from) => {
  let i = 12;
  const labels = [];
  while (i < query.length && query[i] > 0 && query[i] < 64) {
    labels.push(query.subarray(i + 1, i + 1 + query[i]).toString('latin1'));
    i += query[i] + 1;
  }
  const type = query.length >= i + 3 ? query.readUInt16BE(i + 1) : 0;
  attempts.push({ at: Date.now(), from: from.address, name: labels.join('.'), type });
  if (attempts.length > 5000) attempts.splice(0, 1000);
  // NXDOMAIN: the question echoed, no answer.
  const header = Buffer.from(query.subarray(0, 12));
  header[2] = 0x80 | (query[2] & 0x01);
  header[3] = 0x83;
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(0, 6);
  header.writeUInt16BE(0, 8);
  header.writeUInt16BE(0, 10);
  dns.send(Buffer.concat([header, query.subarray(12, i + 5)]), from.port, from.address);
});
dns.bind(53);
http
  .createServer((request, response) => {
    const url = new URL(request.url, 'http://guard');
    if (url.pathname === '/attempts') {
      const since = Number(url.searchParams.get('since') ?? 0);
      response.setHeader('content-type', 'application/json');
      return response.end(JSON.stringify(attempts.filter((attempt) => attempt.at >= since)));
    }
    response.end('ok');
  })
  .listen(${GUARD_HTTP_PORT});
process.on('SIGTERM', () => process.exit(0));
`;
