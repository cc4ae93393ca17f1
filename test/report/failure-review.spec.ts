import { rmSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { REPO } from '../support/cli.ts';
import { resourceCount } from '../support/docker-resources.ts';
import { type ReportedTest, readJsonReport, runNested } from './nested-run.ts';

/**
 * Journeys that fail on purpose (test/report/failing/: a WireMock stub makes a product bug, a
 * timeout, a bad schema, a service killed mid-test) run in a nested Playwright on their own stack;
 * we check what the report says about each, and that planted secrets reach no attachment.
 */
const CANARIES = ['canary-header-token-b81d', 'canary-env-token-7f3a9c', 'canary-url-pass-5d21'];
// `--repeat-each` runs copies of this file side by side: each gets its own report folder.
const REPORTS = path.join(REPO, 'reports/failure-review');
let OUT = REPORTS;
const PROJECT = `journeys-report-${process.pid}`;

test.describe.configure({ mode: 'serial' });
let tests: ReportedTest[];
const byTitle = (title: string) => tests.find((t) => t.title === title)!;

test.beforeAll(async () => {
  test.setTimeout(6 * 60_000);
  const repeat = test.info().repeatEachIndex;
  OUT = repeat > 0 ? `${REPORTS}-${repeat}` : REPORTS;
  rmSync(OUT, { recursive: true, force: true });
  const run = await runNested([], { REPORT_OUT: OUT, JOURNEYS_PROJECT: PROJECT, REPORT_HEADER_CANARY: CANARIES[0]! });
  expect(run.exitCode, run.output).toBe(1); // the journeys are meant to fail
  tests = readJsonReport(path.join(OUT, 'report.json'));
});

test('each failure has its category and the reason behind it', () => {
  expect(byTitle('a quote for a known SKU').annotations['failure-category']).toBeUndefined();
  const expected: [title: string, category: string, reason: string][] = [
    ['a quote is never negative', 'PRODUCT', 'Received: -5'],
    ['waits forever for a price change', 'TEST', 'timed out'],
    ['a quote with a bad schema', 'TEST', 'ZodError'], // the journey's own schema.parse
    // The service's answer against the journey's contract (`.expect(200, schema)`) is the product's failure.
    ['a quote answers within its contract', 'PRODUCT', '$.priceCents'],
    ['a quote read by a careless journey', 'TEST', 'TypeError'],
    ['the api dies mid-journey', 'INFRA', 'api: die (exit 137)'],
  ];
  for (const [title, category, reason] of expected)
    expect(byTitle(title).annotations, title).toMatchObject({
      'failure-category': category,
      'failure-reason': expect.stringContaining(reason),
    });
});

test('a failed journey carries its evidence bundle and timeline; a passing one none (only its resource figures)', () => {
  expect([...byTitle('a quote for a known SKU').attachments.keys()]).toEqual(['resources.svg', 'resources.json']);
  const product = byTitle('a quote is never negative');
  expect([...product.attachments.keys()]).toEqual(
    expect.arrayContaining(['journey-timeline.md', 'stack-state.txt', 'logs-api.log', 'observations.json']),
  );
  const timeline = product.attachments.get('journey-timeline.md')!;
  // The stub, then the call that went through it, on one correlation id.
  expect(timeline).toMatch(
    /wiremock \| stub \/prices\/sku-bug[^\n]*\n[^\n]*corr-product \| http \| GET \/quote\/sku-bug → 200/,
  );
  expect(product.attachments.get('logs-api.log')).toContain('"correlationId":"corr-product"');
  // The journey's own lines come first, by the id its calls carried; the whole window stays beside them.
  const own = product.attachments.get('journey-logs.log')!;
  expect(own).toMatch(/^Log lines that carry this journey's ids \([^)]*corr-product[^)]*\)/);
  const ownLines = own.split('\n').filter((line) => /^\d{4}-\d\d-\d\dT/.test(line));
  expect(ownLines.length).toBeGreaterThan(0);
  for (const line of ownLines) expect(line).toContain('corr-product');
  expect([...product.attachments.keys()].indexOf('journey-logs.log')).toBeLessThan(
    [...product.attachments.keys()].indexOf('logs-api.log'),
  );
  expect(product.attachments.get('stack-state.txt')).toMatch(/api\s+\S+\s+running \(healthy\)/);

  const infra = byTitle('the api dies mid-journey');
  expect(infra.attachments.get('stack-state.txt')).toMatch(/api\s+\S+\s+exited \(137\)/);
  expect(infra.attachments.get('journey-timeline.md')).toMatch(/container \| api die \(exit 137\)/);
});

/** A picture's effects, as its SVG's description lists them (`n. +ms kind lanes: label`). */
function pictureEffects(svg: string | undefined): string[] {
  expect(svg, 'journey-picture.svg').toBeDefined();
  return /<desc>([\s\S]*)<\/desc>/
    .exec(svg!)![1]!
    .replace(/&quot;/g, '"')
    .replace(/&gt;/g, '>')
    .replace(/&lt;/g, '<')
    .replace(/&amp;/g, '&')
    .split('\n')
    .filter((line) => /^\d+\. /.test(line));
}

test("a failed journey's picture: its stub, its call, the failed expectation, in order; a crash where it happened", () => {
  const product = byTitle('a quote is never negative');
  expect(pictureEffects(product.attachments.get('journey-picture.svg'))).toEqual([
    expect.stringMatching(/^1\. \+\d+ ms stub journey → wiremock: stub \/prices\/sku-bug → priceCents -5 \(201\)$/),
    expect.stringMatching(/^2\. \+\d+ ms call journey → api: GET \/quote\/sku-bug → 200$/),
    expect.stringMatching(
      /^3\. \+\d+ ms failure journey: ✗ price in cents · Expected: > 0 · Received: {3}-5 \(at 1-product-bug\.journey\.ts:8\)$/,
    ),
  ]);
  // The summary on top of it: category, reason, whose logs, the first failed effect and after what.
  expect(product.annotations['failure-summary']).toMatch(
    /^PRODUCT: .*price in cents.* · logs: api \(journey-logs\.log, logs-api\.log\) · first failed effect: #3 the journey's failed expectation at 1-product-bug\.journey\.ts:8, after #2 journey → api: GET \/quote\/sku-bug → 200 · picture: journey-picture\.svg$/,
  );

  const infra = pictureEffects(byTitle('the api dies mid-journey').attachments.get('journey-picture.svg'));
  // Killed (docker kill), then its next call fails; Docker says `die` when it has cleaned up, which may be after that.
  expect(infra.some((line) => /container api: api die \(exit 137\)/.test(line))).toBe(true);
  const died = infra.findIndex((line) => /container api: api (kill|die)/.test(line));
  const failed = infra.findIndex((line) => /failure journey: ✗/.test(line));
  expect(died, infra.join('\n')).toBeGreaterThan(infra.findIndex((line) => /GET \/quote\/sku-first → 200/.test(line)));
  expect(failed).toBeGreaterThan(died);
  expect(byTitle('the api dies mid-journey').annotations['failure-summary']).toMatch(
    /^INFRA: .*api: die \(exit 137\).* · incident: api died .* · logs: api \(.*logs-api\.log\) · first failed effect: #\d+ api: api (kill|die \(exit 137\)) · /,
  );
  // A timeout: its failure at its limit, after the one call it made.
  const timeout = pictureEffects(byTitle('waits forever for a price change').attachments.get('journey-picture.svg'));
  expect(timeout.at(-1)).toMatch(/failure journey: ✗ Test timeout of 4000ms exceeded\./);
});

test('no planted secret reaches any attachment or error', () => {
  for (const t of tests) {
    for (const [name, text] of t.attachments) {
      for (const canary of CANARIES) expect(text, `${t.title} › ${name}`).not.toContain(canary);
    }
  }
  // They were there to leak: the api logs its token, credentialed URL and the caller's Authorization header.
  const log = byTitle('a quote is never negative').attachments.get('logs-api.log')!;
  expect(log).toContain('"authorization":"[REDACTED]"');
  expect(log).toContain('http://pricing:[REDACTED]@wiremock:8080');
});

test('the nested run removed its stack', () => {
  expect(resourceCount(PROJECT)).toBe(0);
});

test('a stack that never comes up fails the setup step as INFRA, with its diagnosis', async () => {
  test.setTimeout(3 * 60_000);
  const out = path.join(OUT, 'setup-failure');
  const project = `${PROJECT}-setup`;
  const run = await runNested([], {
    REPORT_OUT: out,
    JOURNEYS_PROJECT: project,
    REPORT_STACK: 'test/stacks/one-shot-fails/compose.yml',
    REPORT_JOURNEYS: 'sharded',
  });
  expect(run.exitCode, run.output).toBe(1);
  const setup = readJsonReport(path.join(out, 'report.json')).find((t) => t.project === 'stack')!;
  expect(setup.annotations['failure-category']).toBe('INFRA');
  const diagnosis = setup.attachments.get('stack-diagnosis.txt')!;
  expect(diagnosis).toContain('ONE_SHOT_FAILED');
  // The one-shot logged its password: quoted in the diagnosis, redacted there and in the error.
  expect(diagnosis).toContain('applying 001_init.sql as postgres://app:[REDACTED]@db/app');
  for (const [name, text] of setup.attachments) expect(text, name).not.toContain('canary-migrate-pass-93e1');
  expect(setup.errors.join('\n')).not.toContain('canary-migrate-pass-93e1');
  expect(resourceCount(project)).toBe(0);
});
