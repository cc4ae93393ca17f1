// Retries by cause on a real stack (test/stacks/retries), `--retries=2`: a PRODUCT failure costs one
// full attempt, its retries end at once saying why; an INFRA failure (the service's own switch makes it
// unhealthy) is retried, and passes.
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { type HistoryReport, runHistoryCommand } from 'compose-journeys/history';
import { attemptsIn, runNested } from './nested-run.ts';

const OUT = path.resolve('reports/retries-nested');
const PROJECT = `jt-retries-${process.pid}`;

interface Attempt {
  status: string;
  duration: number;
  retry: number;
  errors: { message?: string }[];
  annotations?: { type: string; description?: string }[];
  attachments: { name: string }[];
}

const attemptsOf = (title: string) => attemptsIn<Attempt>(path.join(OUT, 'report.json'), title);

const categoryOf = (attempt: Attempt) => attempt.annotations?.find((a) => a.type === 'failure-category')?.description;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  test.setTimeout(300_000);
  rmSync(OUT, { recursive: true, force: true });
  const run = await runNested(['--retries=2'], {
    REPORT_OUT: OUT,
    REPORT_JOURNEYS: 'retries',
    REPORT_STACK: 'test/stacks/retries/compose.yml',
    JOURNEYS_PROJECT: PROJECT,
    REPORT_HISTORY: '1',
    JOURNEYS_HISTORY_URL: path.join(OUT, 'history.sqlite'),
  });
  expect(run.exitCode, run.output).toBe(1); // the product bug stays failed
  output = run.output;
});

let output = '';

test('a PRODUCT failure costs one full attempt: each retry ends at once, saying why, and the journey stays failed', () => {
  const attempts = attemptsOf('a booking is BOOKED');
  expect(attempts.map((a) => a.status)).toEqual(['failed', 'failed', 'failed']);
  expect(categoryOf(attempts[0]!)).toBe('PRODUCT');
  for (const retry of attempts.slice(1)) {
    expect(retry.errors[0]?.message).toContain('[PRODUCT] not retried: PRODUCT failure in attempt 1, see its evidence');
    expect(retry.duration, 'a retry that does not run costs well under a second').toBeLessThan(500);
    // The report opens on the last attempt: it says why, with the evidence of the attempt that ran.
    expect(categoryOf(retry)).toBe('PRODUCT');
    // Its evidence, not what it touched: the coverage is the attempt's own, and counted once, from it.
    const evidence = (attempt: Attempt) =>
      attempt.attachments.map((a) => a.name).filter((name) => name !== 'journeys-coverage.json');
    expect(evidence(retry)).toEqual(evidence(attempts[0]!));
    expect(attempts[0]!.attachments.map((a) => a.name)).toContain('journeys-coverage.json');
    expect(retry.attachments.map((a) => a.name)).toContain('journey-timeline.md');
  }
});

test('the run summary says what was not retried and what it saved; the history keeps the first attempt’s category', async () => {
  const summary = JSON.parse(readFileSync(path.join(OUT, 'history-summary.json'), 'utf8')) as {
    notRetried: { retries: number; savedMs: number };
  };
  expect(summary.notRetried.retries).toBe(2);
  // Each retry that did not run saved what the full attempt cost, less what ending it cost.
  const [first, ...retries] = attemptsOf('a booking is BOOKED');
  expect(first!.duration).toBeGreaterThan(1_000);
  const expected = retries.reduce((saved, retry) => saved + first!.duration - retry.duration, 0);
  expect(Math.abs(summary.notRetried.savedMs - expected)).toBeLessThanOrEqual(2);
  expect(output).toMatch(
    /\[journeys history\] not retried: 2 retries of journeys whose failure no retry changes, [\d.]+ s saved/,
  );
  const out: string[] = [];
  const code = await runHistoryCommand({
    url: path.join(OUT, 'history.sqlite'),
    json: true,
    out: (line) => out.push(line),
    log: () => {},
  });
  expect(code).toBe(0);
  const history = JSON.parse(out.join('\n')) as HistoryReport;
  // The product journey's failure is filed under its first attempt's category (its retries say none of their own).
  expect(history.runs[0]!.failuresByCategory).toEqual({ PRODUCT: 1, INFRA: 1 });
  expect(history.journeys.find((j) => j.journeyId.endsWith('a booking is BOOKED'))?.lastStatus).toBe('failed');
});

test('an INFRA failure is retried, and passes', () => {
  const attempts = attemptsOf('a service that was sick answers on retry');
  expect(categoryOf(attempts[0]!)).toBe('INFRA');
  expect(attempts[0]!.status).toBe('failed');
  expect(attempts.at(-1)!.status).toBe('passed');
  expect(attempts.slice(1).every((a) => !a.errors.some((e) => e.message?.includes('not retried')))).toBe(true);
});
