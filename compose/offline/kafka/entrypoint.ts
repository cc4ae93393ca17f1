// Container entrypoint (PID 1): starts librdkafka's mock cluster inside kcat,
// learns its loopback port from the debug log, then serves the Kafka proxy.
// Bundled to /opt/offline-kafka/offline-kafka.mjs at image build time (see Dockerfile).
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { startProxy } from './proxy.ts';

const advertised = {
  host: process.env.KAFKA_ADVERTISED_HOST || 'kafka',
  port: Number(process.env.KAFKA_ADVERTISED_PORT || 9092),
};
const listenPort = 9092;
// Unset: a parked Fetch waits as long as its client asked (max_wait_ms), like a real broker.
const fetchMaxWaitMs = process.env.KAFKA_FETCH_MAX_WAIT_MS ? Number(process.env.KAFKA_FETCH_MAX_WAIT_MS) : undefined;
// kcat needs a topic to run; its producer mode stays idle (no fetch loop, no
// log chatter) as long as stdin stays open.
const keepaliveTopic = '_offline_kafka_keepalive';

const log = (msg: string) => console.log(`${new Date().toISOString()} offline-kafka: ${msg}`);

// "-b" is ignored once test.mock.num.brokers is set; "-d mock" makes librdkafka
// print the mock's bootstrap address.
const kcat = spawn(
  'kcat',
  ['-b', 'mock:0', '-X', 'test.mock.num.brokers=1', '-d', 'mock', '-P', '-t', keepaliveTopic],
  {
    stdio: ['pipe', 'inherit', 'pipe'],
  },
);

let stopping = false;
kcat.on('exit', (code, signal) => {
  if (stopping) return;
  log(`mock cluster (kcat) exited: code=${code} signal=${signal}`);
  process.exit(1);
});

const startTimeout = setTimeout(() => {
  log('mock cluster did not report its port within 10s');
  process.exit(1);
}, 10_000);

let started = false;
createInterface({ input: kcat.stderr! }).on('line', (line) => {
  const port = started ? undefined : /bootstrap\.servers=127\.0\.0\.1:(\d+)/.exec(line)?.[1];
  if (port) {
    started = true;
    clearTimeout(startTimeout);
    startProxy({ listenPort, upstreamPort: Number(port), advertised, fetchMaxWaitMs, log }).then(
      () => {
        const wait = fetchMaxWaitMs === undefined ? "the client's max_wait_ms" : `at most ${fetchMaxWaitMs} ms`;
        log(
          `mock cluster on 127.0.0.1:${port}; listening on 0.0.0.0:${listenPort}, advertising ${advertised.host}:${advertised.port}; empty fetches wait ${wait}`,
        );
      },
      (err: unknown) => {
        log(`proxy failed to start: ${err instanceof Error ? err.message : String(err)}`);
        process.exit(1);
      },
    );
    return;
  }
  // Per-request debug lines (level 7) would flood the log; keep warnings and
  // topic auto-creation, which tells how many partitions a topic got.
  if (!line.startsWith('%7|') || line.includes('Created topic')) console.log(line);
});

// As PID 1, node gets no default signal handling: stop explicitly and fast.
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    stopping = true;
    log(`${signal}: stopping`);
    kcat.kill('SIGTERM');
    process.exit(0);
  });
}
