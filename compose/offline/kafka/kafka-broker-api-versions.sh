#!/usr/bin/env node
// Stand-in for Apache Kafka's kafka-broker-api-versions.sh, installed at the
// same path as in the apache/kafka image so one compose healthcheck fits both:
//   /opt/kafka/bin/kafka-broker-api-versions.sh --bootstrap-server localhost:9092
// It does a real ApiVersions v0 round-trip and exits 0 only on a valid,
// error-free answer. Despite the .sh name it is a Node script (no JVM here).
const net = require('node:net');

const args = process.argv.slice(2);
const bootstrap = args[args.indexOf('--bootstrap-server') + 1] ?? 'localhost:9092';
const [host, port] = bootstrap.split(',')[0].split(':');
const correlationId = 0x4b41;

const fail = (why) => {
  console.error(`${bootstrap}: ${why}`);
  process.exit(1);
};

// Request: size, api_key=18, api_version=0, correlation_id, client_id.
const clientId = Buffer.from('healthcheck');
const request = Buffer.alloc(14 + clientId.length);
request.writeInt32BE(request.length - 4, 0);
request.writeInt16BE(18, 4);
request.writeInt16BE(0, 6);
request.writeInt32BE(correlationId, 8);
request.writeInt16BE(clientId.length, 12);
clientId.copy(request, 14);

const socket = net.connect({ host, port: Number(port) }, () => socket.write(request));
socket.setTimeout(900, () => fail('timeout'));
socket.on('error', (err) => fail(err.message));

let data = Buffer.alloc(0);
socket.on('data', (chunk) => {
  data = Buffer.concat([data, chunk]);
  if (data.length < 4 || data.length < 4 + data.readInt32BE(0)) return;
  socket.destroy();
  if (data.readInt32BE(4) !== correlationId) fail('wrong correlation id');
  const errorCode = data.readInt16BE(8);
  if (errorCode !== 0) fail(`ApiVersions error code ${errorCode}`);
  // Body v0: error_code, [api_key min max].
  const apis = [];
  for (let i = 0, pos = 14; i < data.readInt32BE(10); i++, pos += 6) {
    apis.push(`${data.readInt16BE(pos)}: ${data.readInt16BE(pos + 2)} to ${data.readInt16BE(pos + 4)}`);
  }
  console.log(`${bootstrap} -> (api_key: versions) ${apis.join(', ')}`);
  process.exit(0);
});
