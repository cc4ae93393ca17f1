import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { type ReportedTest, readJsonReport, reportedTest, runNested } from '../report/nested-run.ts';
import { REPO } from '../support/cli.ts';
import { resourceCount } from '../support/docker-resources.ts';

/**
 * A team's stack that is not our shop (test/stacks/otel: OpenTelemetry services that pass on only
 * `traceparent`, JWTs from an identity provider, no correlation column), run nested with two workers
 * through the package's public entry points (test/otel/nested.config.ts). Five journeys fail on
 * purpose; their reports are what a user would open.
 */
const OUT = path.join(REPO, 'reports/otel-nested');
const PROJECT = `journeys-otel-${process.pid}`;

test.describe.configure({ mode: 'serial' });
let tests: ReportedTest[];
const byTitle = (title: string) => reportedTest(tests, title);
const passed = (title: string) => {
  const found = byTitle(title);
  expect(found.status, `${found.title}:\n${found.errors.join('\n')}`).toBe('passed');
};

test.beforeAll(async () => {
  test.setTimeout(6 * 60_000);
  rmSync(OUT, { recursive: true, force: true });
  const rendezvous = mkdtempSync(path.join(os.tmpdir(), 'otel-rendezvous-'));
  const run = await runNested(
    [],
    { OTEL_OUT: OUT, OTEL_RENDEZVOUS: rendezvous, JOURNEYS_PROJECT: PROJECT },
    'test/otel/nested.config.ts',
  );
  rmSync(rendezvous, { recursive: true, force: true });
  expect(run.exitCode, run.output).toBe(1); // five journeys fail on purpose
  tests = readJsonReport(path.join(OUT, 'report.json'));
});

test('two workers at once on a traceparent-only stack: each its own stub, its own Kafka and RabbitMQ messages', () => {
  passed('left: its stub, its messages, its customer');
  passed('right: its stub, its messages, its customer');
});

test('roles: 401 without a token, 403 for the wrong role, no other customer sees the order', () => {
  passed('401 without a token, 403 for the wrong role, staff refunds');
  passed("another customer sees nothing of this journey's orders");
});

test('a journey longer than its token passes, the token endpoint asked once plus once per renewal', () => {
  passed('a journey longer than its token');
});

test('consistency rules and snapshots on tables without a correlation column: the journey rows by their keys; a doctored row fails; no rows is said', () => {
  passed('a rule over tables without a correlation column');
  passed('a rule that finds no rows of the journey says so');
});

test("a failure's evidence starts with the api's lines of this journey, found by its trace id", () => {
  const failed = byTitle('fails on purpose: a wrong price');
  expect(failed.status).toBe('failed');
  expect(failed.annotations['failure-category']).toBe('PRODUCT');
  const traceId = failed.annotations['trace-id']!;
  expect(traceId).toMatch(/^[0-9a-f]{32}$/);
  const own = failed.attachments.get('journey-logs.log') ?? '';
  expect(own).toContain('order placed');
  expect(own).toContain(`"trace_id":"${traceId}"`);
  // Only this journey's lines of the api: every api line shown there carries its trace id.
  const apiLines = own.split('\n').filter((line) => line.includes('"message":'));
  expect(apiLines.length).toBeGreaterThan(0);
  for (const line of apiLines) expect(line).toContain(traceId);
  // Tokens never reach the report.
  for (const [name, body] of failed.attachments) expect(body, name).not.toMatch(/eyJ[\w-]{8,}\.[\w-]{8,}\./);
});

test('token failures are categorised: a wrong secret is TEST, an unreachable identity provider INFRA, an unknown role lists the declared', () => {
  const wrong = byTitle('fails on purpose: TEST, naming the role');
  expect(wrong.annotations['failure-category']).toBe('TEST');
  expect(wrong.errors.join('\n')).toMatch(
    /\[TEST\] No token for role "staff" \(token endpoint http:\/\/127\.0\.0\.1:\d+\/token\): client_credentials grant answered 401 invalid_client: client authentication failed\. Check the role's clientId and clientSecret\./,
  );
  expect(wrong.errors.join('\n')).not.toContain('wrong-secret-0000');
  const down = byTitle('fails on purpose: INFRA');
  expect(down.annotations['failure-category']).toBe('INFRA');
  expect(down.errors.join('\n')).toContain(
    '[INFRA] No token for role "staff" (issuer http://127.0.0.1:9): the identity provider is unreachable',
  );
  const unknown = byTitle('fails on purpose: an unknown role');
  expect(unknown.errors.join('\n')).toContain(
    'Unknown role "nurse". Declared roles: customer, otherCustomer, staff, nightBatch.',
  );
});

test("a tap narrowed to the journey's trace, on a message that carries none: the failure says what it carried", () => {
  const failed = byTitle('fails on purpose: a journey-scoped tap');
  const message = failed.errors.join('\n');
  expect(message).toContain("and not this journey's trace id");
  expect(message).toMatch(/orders\.placed.*\(carries no traceparent and no correlation id\)/);
  expect(message).toContain('the service passes on neither the trace context (`traceparent`');
});

test('the nested run removed its stack', () => {
  expect(resourceCount(PROJECT)).toBe(0);
});
