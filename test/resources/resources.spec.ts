import path from 'node:path';
import { expect, test } from '@playwright/test';
import { type ReportedTest, readJsonReport, reportedTest, runNested } from '../report/nested-run.ts';
import { REPO } from '../support/cli.ts';

/**
 * CPU and memory per journey on a real stack (test/stacks/resources), run nested: the figures of a
 * passing journey, a journey over its memory budget (PRODUCT, with the peak and the budget), a budget
 * naming no service (refused), and an OOM kill under the service's limit (INFRA, with the limit and
 * the peak seen before it).
 */
const OUT = path.join(REPO, 'reports/resources-nested');

test.describe.configure({ mode: 'serial' });
let tests: ReportedTest[];
let output: string;
const byTitle = (title: string) => reportedTest(tests, title);

test.beforeAll(async () => {
  test.setTimeout(4 * 60_000);
  const run = await runNested(
    [],
    { RESOURCES_OUT: OUT, JOURNEYS_PROJECT: `journeys-resources-${process.pid}` },
    'test/resources/nested.config.ts',
  );
  output = run.output;
  expect(run.exitCode, run.output).toBe(1); // three journeys fail on purpose
  tests = readJsonReport(path.join(OUT, 'report.json'));
});

test('a passing journey carries each service’s peak memory and CPU time: an annotation, a chart, the figures', () => {
  const passed = byTitle('a passing journey');
  expect(passed.status, passed.errors.join('\n')).toBe('passed');
  expect(passed.annotations.resources).toMatch(/^hungry \d+(\.\d)? MB \d+(\.\d)? (ms|s)$/);
  const figures = JSON.parse(passed.attachments.get('resources.json')!) as {
    usage: { service: string; peakMemoryBytes: number; cpuMs: number; memoryLimitBytes?: number; samples: number }[];
    table: string;
  };
  const hungry = figures.usage.find((entry) => entry.service === 'hungry')!;
  // It held 24 MB for 2.5 s: the samples (one a second) saw them.
  expect(hungry.peakMemoryBytes).toBeGreaterThan(24 * 1024 * 1024);
  expect(hungry.memoryLimitBytes).toBe(192 * 1024 * 1024);
  expect(hungry.samples).toBeGreaterThanOrEqual(2);
  expect(hungry.cpuMs).toBeGreaterThan(0);
  expect(figures.table).toMatch(/^service\s+peak memory\s+limit\s+budget\s+CPU time/);
  expect(passed.attachments.get('resources.svg')).toMatch(/^<svg[^>]*>[\s\S]*hungry[\s\S]*<\/svg>$/);
});

test('over its memory budget: the journey fails as PRODUCT, saying the peak, the budget and by how much', () => {
  const over = byTitle('a journey that makes hungry hold 120 MB');
  expect(over.status).toBe('failed');
  expect(over.annotations['failure-category']).toBe('PRODUCT');
  expect(over.errors.join('\n')).toMatch(
    /\[PRODUCT\] hungry peaked at 1[2-4]\d MB of memory during this journey: \d+(\.\d)? MB \(\+\d+ %\) over its budget of 80\.0 MB \(resourceBudgets\)/,
  );
  // The chart marks it: a red bar.
  expect(over.attachments.get('resources.svg')).toContain('#d9534f');
  const within = byTitle('the same budget passes');
  expect(within.status, within.errors.join('\n')).toBe('passed');
});

test('a budget for a service the stack does not have is refused, naming it and the services there are', () => {
  const refused = byTitle('is refused before the journey runs');
  expect(refused.status).toBe('failed');
  expect(refused.errors.join('\n')).toContain(
    'resourceBudgets: no service "hungy" in the stack; its services: hungry.',
  );
});

test('an OOM kill under a limit is INFRA, reported with the limit and the peak seen before it', () => {
  const killed = byTitle('hungry grows until');
  expect(killed.status).toBe('failed');
  expect(killed.annotations['failure-category']).toBe('INFRA');
  expect(killed.annotations['failure-reason']).toMatch(
    /hungry: (oom|exited \(exit 137, OOM-killed) under its limit of 201 MB, peak seen (1\d\d|20\d) MB at \d{4}-/,
  );
  expect(output).not.toMatch(/Error: .*resources/);
});
