// How a failure is explained: its category and the redactor every attachment passes through.
import { expect, test } from '@playwright/test';
import { categorise, failingServices, infraProblems } from '../../src/report/failure-category.ts';
import { formatJourneyLogLines, journeyLogLines } from '../../src/report/journey-log-lines.ts';
import { createRedactor, REDACTED, secretValuesFromEnvironment } from '../../src/report/redaction.ts';
import type { ContainerEvent } from '../../src/report/stack-evidence.ts';
import { containerState } from './container-state.ts';

const failed = (message: string, status: 'failed' | 'timedOut' = 'failed') => ({
  status,
  timeout: 30_000,
  errors: [{ message }],
});
const at = new Date('2026-01-01T00:00:00Z');

test('categories: INFRA wins, then TEST for a timeout or our own throw, then PRODUCT for an expect on the system', () => {
  const died: ContainerEvent[] = [{ at, service: 'api', container: 'p-api-1', action: 'die', exitCode: '137' }];
  expect(categorise(failed('expect(received).toBe(expected)'), infraProblems([], died))).toEqual({
    category: 'INFRA',
    reason: 'api: die (exit 137) at 2026-01-01T00:00:00.000Z',
  });
  expect(categorise(failed('anything', 'timedOut'), [])).toEqual({
    category: 'TEST',
    reason: 'the journey timed out (30000 ms)',
  });
  expect(categorise(failed('TypeError: Cannot read properties of undefined'), []).category).toBe('TEST');
  const product = categorise(failed('Error: price\n\nexpect(received).toBeGreaterThan(expected)\n\nReceived: -5'), []);
  expect(product).toEqual({
    category: 'PRODUCT',
    reason: 'Error: price · expect(received).toBeGreaterThan(expected) · Received: -5',
  });
});

test('infra problems: died, OOM, unhealthy, restarting; a one-shot that exited 0 is done, not down', () => {
  const state = containerState;
  expect(
    infraProblems(
      [
        state('migrate', { status: 'exited', exitCode: 0 }),
        state('db', { health: 'unhealthy' }),
        state('worker', { status: 'exited', exitCode: 137, oomKilled: true }),
        state('api', { status: 'restarting' }),
      ],
      [
        { at, service: 'api', container: 'p-api-1', action: 'health_status: unhealthy' },
        { at, service: 'api', container: 'p-api-1', action: 'start' },
      ],
    ),
  ).toEqual([
    'api: health_status: unhealthy at 2026-01-01T00:00:00.000Z',
    'db: running (unhealthy)',
    'worker: exited (exit 137, OOM-killed)',
    'api: restarting',
  ]);
});

test('redaction: declared secrets anywhere, secret-shaped text in context, short values only in context', () => {
  const secrets = secretValuesFromEnvironment({
    db: { POSTGRES_PASSWORD: 'hunter22-secret', POSTGRES_USER: 'app' },
    api: { DATABASE_URL: 'postgres://app:url-pass-9@db/app', GREETING: 'hello there' },
    shop: { DB_PASSWORD: 'shop' },
  });
  expect(secrets.sort()).toEqual(['hunter22-secret', 'shop', 'url-pass-9'].sort());
  const redact = createRedactor(secrets);
  expect(redact('login failed for hunter22-secret')).toBe(`login failed for ${REDACTED}`);
  expect(redact('connecting to postgres://app:url-pass-9@db/app')).toBe(
    `connecting to postgres://app:${REDACTED}@db/app`,
  );
  expect(redact('{"authorization":"Bearer abc.def"}')).toBe(`{"authorization":"${REDACTED}"}`);
  expect(redact('x-api-key: k-123 and password=opensesame&user=a')).toBe(
    `x-api-key: ${REDACTED} and password=${REDACTED}&user=a`,
  );
  // "shop" is also the project's name: too short to replace as a bare word, still caught in a URL.
  expect(redact('the shop stack, amqp://shop:shop@rabbitmq:5672')).toBe(
    `the shop stack, amqp://shop:${REDACTED}@rabbitmq:5672`,
  );
  expect(redact('hello there')).toBe('hello there');
});

test('failing services: the ones the stack problems name, else the ones that logged an error', () => {
  expect(
    failingServices(
      ['api: die (exit 137) at 2026-01-01T00:00:00.000Z', 'db: running (unhealthy)', 'api: restarting'],
      new Map(),
    ),
  ).toEqual(['api', 'db']);
  const logs = new Map([
    ['orders', '2026-01-01T00:00:00Z {"level":"info","msg":"order placed"}'],
    ['payments', '2026-01-01T00:00:01Z {"level":"error","msg":"provider answered 503"}'],
    ['inventory', '2026-01-01T00:00:02Z WARN slow query'],
  ]);
  expect(failingServices([], logs)).toEqual(['payments']);
});

test("the journey's own log lines: those carrying its correlation or trace id, JSON or plain, per service", () => {
  const trace = '4bf92f3577b34da6a3ce929d0e0e4736';
  const logs = new Map([
    [
      'orders',
      [
        `2026-12-07T10:00:00.001Z {"msg":"order placed","trace_id":"${trace}"}`,
        '2026-12-07T10:00:00.002Z {"msg":"order placed","trace_id":"ffffffffffffffffffffffffffffffff"}',
        '2026-12-07T10:00:00.003Z {"msg":"order placed","correlationId":"cj1-happy-path-0a1b2c"}',
        `2026-12-07T10:00:00.004Z {"msg":"charged","trace":{"id":"${trace}"}}`,
      ].join('\n'),
    ],
    [
      'payments',
      `2026-12-07T10:00:00.005Z INFO charge for trace ${trace} accepted\n2026-12-07T10:00:00.006Z INFO idle`,
    ],
    ['inventory', '2026-12-07T10:00:00.007Z nothing of ours'],
  ]);
  const found = journeyLogLines(logs, [trace, 'cj1-happy-path-0a1b2c']);
  expect([...found.keys()]).toEqual(['orders', 'payments']);
  expect(found.get('orders')!.map((line) => line.slice(0, 24))).toEqual([
    '2026-12-07T10:00:00.001Z',
    '2026-12-07T10:00:00.003Z',
    '2026-12-07T10:00:00.004Z',
  ]);
  const text = formatJourneyLogLines(found, logs, [trace, 'cj1-happy-path-0a1b2c']);
  expect(text).toContain('== orders: 3 of 4 lines (all of them: logs-orders.log)');
  expect(text).toContain('== payments: 1 of 2 lines');
  expect(text).not.toContain('inventory');
  // Too short to be an id of ours: matching it would pick lines by chance.
  expect(journeyLogLines(logs, ['idle']).size).toBe(0);
});
