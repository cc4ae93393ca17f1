import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { type ReportedTest, readJsonReport, reportedTest, runNested } from '../report/nested-run.ts';
import { REPO } from '../support/cli.ts';
import { resourceCount } from '../support/docker-resources.ts';

/**
 * The faults and wiremock fixtures on a real stack of their own (test/stacks/faults), run nested
 * with the layout the README recommends: two journeys at once on one WireMock (project `stubs`,
 * two workers), then the faults one at a time (project `faults`, workers: 1). Two journeys there
 * fail on purpose: a broken retry journey (its report must show the WireMock requests and the
 * injected faults) and a fault that cannot be healed.
 */
const OUT = path.join(REPO, 'reports/faults-nested');
const PROJECT = `journeys-faults-${process.pid}`;

test.describe.configure({ mode: 'serial' });
let tests: ReportedTest[];
const byTitle = (title: string) => reportedTest(tests, title);

test.beforeAll(async () => {
  test.setTimeout(6 * 60_000);
  rmSync(OUT, { recursive: true, force: true });
  const rendezvous = mkdtempSync(path.join(os.tmpdir(), 'faults-rendezvous-'));
  const run = await runNested(
    [],
    { FAULTS_OUT: OUT, FAULTS_RENDEZVOUS: rendezvous, JOURNEYS_PROJECT: PROJECT },
    'test/faults/nested.config.ts',
  );
  rmSync(rendezvous, { recursive: true, force: true });
  expect(run.exitCode, run.output).toBe(1); // three journeys fail on purpose
  tests = readJsonReport(path.join(OUT, 'report.json'));
});

test('two journeys at once on one WireMock: each sees only its own stub; a fault or a stub for everyone is refused meanwhile', () => {
  for (const worker of ['left', 'right'])
    expect(
      byTitle(`${worker}: its stub answers it alone`),
      byTitle(`${worker}: its stub answers it alone`).errors.join('\n'),
    ).toMatchObject({ project: 'stubs', status: 'passed' });
});

test('after their tests the stubs are gone and the defaults answer those journeys again', () => {
  expect(byTitle('the two workers’ stubs are gone').status).toBe('passed');
});

test('stop, kill, pause for a time, disconnect, restart: injected, healed, the next test on a healthy stack, the new host ports followed (the RabbitMQ tap too)', () => {
  for (const title of [
    'stop, then heal',
    'kill with a signal',
    '…so the next test starts on a ready stack',
    'disconnect until reconnected',
    'restart: over when it returns',
    'bad input: a missing service',
    'before: the tap sees what is published',
    'after: the same worker’s next tap and publisher work again',
  ]) {
    expect(byTitle(title), `${title}: ${byTitle(title).errors.join('\n')}`).toMatchObject({
      project: 'faults',
      status: 'passed',
    });
  }
  expect(byTitle('stop, then heal').annotations['app-port']).toMatch(/^\d+ → \d+$/);
});

test('a broken retry journey: PRODUCT, not INFRA, and its timeline shows the WireMock requests and the injected faults', () => {
  const broken = byTitle('a quote survives a provider that resets');
  expect(broken.status).toBe('failed');
  expect(broken.annotations['failure-category']).toBe('PRODUCT');
  expect(broken.annotations['failure-reason']).toContain(
    'Expected exactly 1 request matching GET /prices/sku-retry from this journey, wiremock "wiremock" received 3',
  );
  const timeline = broken.attachments.get('journey-timeline.md')!;
  const rows = timeline
    .split('\n')
    .filter((line) => line.startsWith('| ') && !line.startsWith('| #') && !line.startsWith('| ---'));
  const what = rows.map((row) => row.split(' | ').at(-1)!.replace(/ \|$/, ''));
  const order = (pattern: RegExp) => what.findIndex((line) => pattern.test(line));
  // In time order: the stub, the fault and its container events (intended), the call, the three requests as answered.
  const steps = [
    /^stub on wiremock: GET \/prices\/sku-retry \(this journey\) → fault CONNECTION_RESET_BY_PEER, 503, then the defaults$/,
    /^faults\.restart\('app'\): intended$/,
    /^app die \(exit 0\) \(intended: faults\.restart\('app'\)\)$/,
    /^app start \(intended: faults\.restart\('app'\)\)$/,
    /^app restarted and the stack is ready again/,
    /^GET http:\/\/127\.0\.0\.1:\d+\/quote\/sku-retry → 200$/,
    /^wiremock received GET \/prices\/sku-retry → fault CONNECTION_RESET_BY_PEER \(this journey's stub "GET \/prices\/sku-retry answer \(1\/2\)"\)$/,
    /^wiremock received GET \/prices\/sku-retry → 503 \(this journey's stub "GET \/prices\/sku-retry answer \(2\/2\)"\)$/,
    /^wiremock received GET \/prices\/sku-retry → 200 \(stub "prices: every SKU costs 12\.99"\)$/,
  ];
  const positions = steps.map(order);
  expect(
    positions.every((position) => position >= 0),
    `${steps.filter((_, i) => positions[i]! < 0).join('\n')} not in:\n${what.join('\n')}`,
  ).toBe(true);
  expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  // Each of them is this journey's (its correlation id), with the request and what answered it in the details.
  expect(
    rows
      .filter((row) => row.includes('| wiremock | wiremock received'))
      .every((row) => row.includes(broken.annotations['correlation-id']!)),
  ).toBe(true);
  expect(timeline).toContain('"fault": "CONNECTION_RESET_BY_PEER"');
  // The error lists the three requests the journey did not expect.
  expect(broken.errors.join('\n')).toMatch(
    /\+\d+ ms GET \/prices\/sku-retry\n\s+\+\d+ ms GET \/prices\/sku-retry\n\s+\+\d+ ms GET \/prices\/sku-retry/,
  );
  expect(broken.attachments.get('stack-state.txt')).toMatch(
    /app\s+\S+\s+die \(exit 0\) \(intended: faults\.restart\('app'\)\)/,
  );
});

test('a fault that cannot be healed: a clear error naming the service, its state and its last words; the stack is INFRA now', () => {
  const unhealed = byTitle('fragile is killed and refuses to start again');
  expect(unhealed.status).toBe('failed');
  const error = unhealed.errors.join('\n');
  expect(error).toContain(
    "FaultHealError: healing faults.kill('fragile', { signal: 'SIGKILL' }): the stack is not ready again within 5000 ms.",
  );
  expect(error).toContain('fragile: exited (1)');
  expect(error).toContain(
    '"fragile" could not be healed: the stack stays broken, and later journeys on it may fail as INFRA.',
  );
  expect(error).toContain('fragile: refusing to start a second time');
  expect(unhealed.annotations['failure-category']).toBe('INFRA');
  expect(unhealed.annotations['failure-reason']).toContain('fragile: exited (exit 1)');
});

test('a request of the journey that no stub matched: annotated on a passing journey; with wiremockStrict, a TEST failure naming it', () => {
  const annotated = byTitle('unmatched: a request no stub knows');
  expect(annotated.status, annotated.errors.join('\n')).toBe('passed');
  expect(annotated.annotations['wiremock-unmatched']).toBe(
    'wiremock: POST /no/stub/for/this matched no stub (answered 404)',
  );
  const strict = byTitle('unmatched, strict');
  expect(strict.status).toBe('failed');
  expect(strict.annotations['failure-category']).toBe('TEST');
  expect(strict.errors.join('\n')).toContain(
    '[TEST] wiremockStrict: a request of this journey matched no stub: wiremock: POST /no/stub/for/this matched no stub (answered 404). Add a stub for it',
  );
  const clean = byTitle('strict, every request matched');
  expect(clean.status, clean.errors.join('\n')).toBe('passed');
  expect(clean.annotations['wiremock-unmatched']).toBeUndefined();
});

test('the nested run removed its stack', () => {
  expect(resourceCount(PROJECT)).toBe(0);
});
