#!/usr/bin/env node
// Proves, from the host, that the offline images behave like the public ones:
// builds + starts compose.yml, measures start-to-healthy, talks to every service through
// its published 127.0.0.1 port, times the healthcheck commands, measures stop times,
// then removes everything (down -v).
// Usage: node test/stacks/offline-infra/verify.mjs [--no-build]
// Env: OFFLINE_INFRA_PROJECT (compose project name, default offline-infra-verify).
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import amqp from 'amqplib';
import pg from 'pg';

const dir = path.dirname(fileURLToPath(import.meta.url));
const project = process.env.OFFLINE_INFRA_PROJECT ?? 'offline-infra-verify';
const compose = (...args) =>
  execFileSync('docker', ['compose', '-p', project, '-f', path.join(dir, 'compose.yml'), ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  }).trim();
const docker = (...args) => execFileSync('docker', args, { encoding: 'utf8' }).trim();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const secs = (ms) => (ms / 1000).toFixed(2);
const timed = (fn) => {
  const t = Date.now();
  const r = fn();
  return [r, Date.now() - t];
};
const services = ['postgres', 'rabbitmq', 'wiremock'];
const results = [];
const check = (name, ok, detail = '') => {
  results.push({ name, ok });
  console.log(`${ok ? 'PASS' : 'FAIL'} ${name}${detail ? ` (${detail})` : ''}`);
};

// Host port published for a container port (always 127.0.0.1 by the compose file).
const hostPort = (svc, port) => Number(compose('port', svc, String(port)).split(':').pop());
const containerId = (svc) => compose('ps', '-q', svc);

async function waitHealthy(svc) {
  const id = containerId(svc);
  for (;;) {
    const state = JSON.parse(docker('inspect', '-f', '{{json .State}}', id));
    if (state.Health?.Status === 'healthy') {
      // first passing probe's end time - container start = start-to-healthy as Docker sees it
      const ok = state.Health.Log.find((l) => l.ExitCode === 0);
      return Date.parse(ok?.End ?? new Date()) - Date.parse(state.StartedAt);
    }
    if (state.Status !== 'running') throw new Error(`${svc} is ${state.Status}`);
    await sleep(100);
  }
}

try {
  if (!process.argv.includes('--no-build')) {
    const [, ms] = timed(() => compose('build'));
    console.log(`build: ${secs(ms)} s (cached layers count as built)`);
  }
  compose('up', '-d');
  const healthy = Object.fromEntries(await Promise.all(services.map(async (s) => [s, await waitHealthy(s)])));
  for (const s of services) console.log(`start-to-healthy ${s}: ${secs(healthy[s])} s`);

  // PostgreSQL: password auth from the network, initdb.d scripts ran, command args applied.
  const pgPort = hostPort('postgres', 5432);
  const db = new pg.Client({ host: '127.0.0.1', port: pgPort, user: 'app', password: 'app-secret', database: 'appdb' });
  await db.connect();
  const { rows } = await db.query('SELECT count(*)::int AS n, current_setting($1) AS fsync FROM greetings', ['fsync']);
  check(
    'postgres query via 127.0.0.1 with user/password',
    rows[0].n === 2 && rows[0].fsync === 'off',
    JSON.stringify(rows[0]),
  );
  await db.end();
  const bad = new pg.Client({ host: '127.0.0.1', port: pgPort, user: 'app', password: 'wrong', database: 'appdb' });
  const badErr = await bad.connect().then(
    () => null,
    (e) => e,
  );
  check('postgres rejects a wrong password', badErr?.code === '28P01', badErr?.code);
  await bad.end().catch(() => {});

  // RabbitMQ: AMQP with RABBITMQ_DEFAULT_USER/PASS, topic exchange publish/consume.
  const amqpPort = hostPort('rabbitmq', 5672);
  const conn = await amqp.connect(`amqp://journey:journey-secret@127.0.0.1:${amqpPort}`);
  const ch = await conn.createChannel();
  await ch.assertExchange('journeys.events', 'topic', { durable: false });
  const { queue } = await ch.assertQueue('', { exclusive: true });
  await ch.bindQueue(queue, 'journeys.events', 'order.*');
  const got = new Promise((resolve) => ch.consume(queue, (m) => resolve(m.content.toString()), { noAck: true }));
  ch.publish('journeys.events', 'order.created', Buffer.from('{"id":1}'));
  const msg = await Promise.race([got, sleep(5000).then(() => 'timeout')]);
  check('rabbitmq topic exchange publish/consume', msg === '{"id":1}', msg);
  await conn.close();
  const guestErr = await amqp.connect(`amqp://guest:guest@127.0.0.1:${amqpPort}`).then(
    (c) => c.close(),
    (e) => e,
  );
  check('rabbitmq: guest not created when RABBITMQ_DEFAULT_USER is set', guestErr instanceof Error);

  const mgmtPort = hostPort('rabbitmq', 15672);
  const auth = `Basic ${Buffer.from('journey:journey-secret').toString('base64')}`;
  const overview = await fetch(`http://127.0.0.1:${mgmtPort}/api/overview`, { headers: { authorization: auth } });
  const ov = await overview.json();
  check(
    'rabbitmq management GET /api/overview',
    overview.status === 200 && !!ov.rabbitmq_version,
    `${ov.rabbitmq_version} ${ov.node}`,
  );

  // WireMock: mapping + __files from the mounted dirs, --global-response-templating from command.
  const wmPort = hostPort('wiremock', 8080);
  const hello = await fetch(`http://127.0.0.1:${wmPort}/hello/world`);
  const body = await hello.json();
  check('wiremock mapping from mounted dir (templated)', body.greeting === 'hello world', JSON.stringify(body));
  const health = await fetch(`http://127.0.0.1:${wmPort}/__admin/health`);
  const hb = await health.json();
  check('wiremock /__admin/health', health.status === 200 && hb.status === 'healthy', `${hb.status} ${hb.version}`);

  // Healthcheck commands, timed inside the running containers (same as Docker runs them).
  const probes = {
    postgres: ['pg_isready', '-U', 'postgres', '-h', '127.0.0.1'],
    'rabbitmq ping': ['rabbitmq-diagnostics', '-q', 'ping'],
    'rabbitmq check_port_connectivity': ['rabbitmq-diagnostics', '-q', 'check_port_connectivity'],
    'rabbitmq bash /dev/tcp': ['bash', '-c', '</dev/tcp/127.0.0.1/5672'],
    wiremock: ['curl', '-fsS', '-o', '/dev/null', 'http://localhost:8080/__admin/health'],
  };
  for (const [name, cmd] of Object.entries(probes)) {
    const svc = name.split(' ')[0];
    const [, ms] = timed(() => compose('exec', '-T', svc, ...cmd));
    check(`healthcheck command ${name}`, true, `${secs(ms)} s`);
  }

  // Stop: each service on its own with -t 10; under 10 s and no exit 137 means the stop signal
  // was honoured (137 = SIGKILL after the timeout).
  for (const s of services) {
    const id = containerId(s);
    const [, ms] = timed(() => compose('stop', '-t', '10', s));
    const code = docker('inspect', '-f', '{{.State.ExitCode}}', id);
    check(`stop ${s}`, ms < 10000 && code !== '137', `${secs(ms)} s, exit ${code}`);
  }
  compose('start');
  await Promise.all(services.map(waitHealthy));
  const [, downMs] = timed(() => compose('down', '-v', '-t', '10'));
  check('docker compose down -v -t 10 (all three in parallel, after restart)', downMs < 10000, `${secs(downMs)} s`);
} catch (e) {
  check('unexpected error', false, e.stack ?? String(e));
} finally {
  compose('down', '-v', '-t', '0');
}
const failed = results.filter((r) => !r.ok).length;
console.log(failed ? `${failed} check(s) failed` : 'all checks passed');
process.exit(failed ? 1 : 0);
