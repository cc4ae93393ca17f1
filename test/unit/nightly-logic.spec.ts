import path from 'node:path';
import { expect, test } from '@playwright/test';
import type { JSONReport, JSONReportSuite } from '@playwright/test/reporter';
import { formatNightSummary, summariseNight } from '../../src/nightly/night-summary.ts';
import {
  HISTORY_REPORTER,
  nightlyFiles,
  parseShard,
  reportInvocation,
  shardInvocation,
} from '../../src/nightly/nightly-plan.ts';

const PG = 'postgres://history:secret@db.internal:5432/history';

test('nightly shard: the shard, the blob, list and history reporters, two retries unless given, the arguments after', () => {
  const sqlite = shardInvocation(parseShard('2/3'), [], { url: 'reports/history.sqlite' }, {});
  expect(sqlite.args).toEqual(['test', '--shard=2/3', `--reporter=blob,list,${HISTORY_REPORTER}`, '--retries=2']);
  expect(HISTORY_REPORTER.endsWith(path.join('history', 'reporter.js'))).toBe(true);
  // SQLite: a copy of the file only this job sees: read it for quarantine, the report step records.
  expect(sqlite).toMatchObject({ records: false });
  expect(sqlite.env).toEqual({
    PLAYWRIGHT_BLOB_OUTPUT_DIR: 'blob-report',
    JOURNEYS_HISTORY_URL: 'reports/history.sqlite',
    JOURNEYS_HISTORY_RECORD: '0',
    JOURNEYS_HISTORY_SUMMARY_FILE: path.resolve('reports/history-summary-2of3.json'),
  });

  const pg = shardInvocation(
    parseShard('1/1'),
    ['--retries=0', '--grep', '@nightly', 'journeys/checkout'],
    { url: PG, config: 'e2e/playwright.config.ts', reports: 'out' },
    { PLAYWRIGHT_BLOB_OUTPUT_DIR: 'blobs' },
  );
  expect(pg.args).toEqual([
    'test',
    '--config',
    'e2e/playwright.config.ts',
    '--shard=1/1',
    `--reporter=blob,list,${HISTORY_REPORTER}`,
    '--retries=0',
    '--grep',
    '@nightly',
    'journeys/checkout',
  ]);
  expect(pg).toMatchObject({ records: true });
  expect(pg.env).toMatchObject({
    PLAYWRIGHT_BLOB_OUTPUT_DIR: 'blobs',
    JOURNEYS_HISTORY_URL: PG,
    JOURNEYS_HISTORY_RECORD: '1',
    JOURNEYS_HISTORY_SUMMARY_FILE: path.resolve('out/history-summary-1of1.json'),
  });
  expect(shardInvocation(parseShard('1/2'), ['--retries', '1'], {}, {}).args).not.toContain('--retries=2');

  for (const wrong of ['', '0/3', '4/3', '2', '1/2/3', 'a/b', '-1/2'])
    expect(() => parseShard(wrong), wrong).toThrow(/CURRENT\/TOTAL/);
  expect(() => shardInvocation(parseShard('1/2'), [], { url: 'mysql://db/history' }, {})).toThrow(
    /only PostgreSQL URLs and SQLite files/,
  );
});

test('nightly report: merge-reports into HTML, JUnit and JSON under the reports folder; it records into SQLite only', () => {
  const files = nightlyFiles('out');
  const sqlite = reportInvocation('all-blob-reports', {
    url: 'history.sqlite',
    config: 'pw.config.ts',
    reports: 'out',
  });
  expect(sqlite.args).toEqual([
    'merge-reports',
    '--config',
    'pw.config.ts',
    '--reporter',
    `html,junit,json,${HISTORY_REPORTER}`,
    'all-blob-reports',
  ]);
  expect(sqlite).toMatchObject({ records: true });
  expect(sqlite.env).toEqual({
    PLAYWRIGHT_HTML_OUTPUT_DIR: files.html,
    PLAYWRIGHT_HTML_OPEN: 'never',
    PLAYWRIGHT_JUNIT_OUTPUT_FILE: files.junit,
    PLAYWRIGHT_JSON_OUTPUT_FILE: files.results,
    JOURNEYS_HISTORY_URL: 'history.sqlite',
    JOURNEYS_HISTORY_RECORD: '1',
    JOURNEYS_HISTORY_SUMMARY_FILE: path.resolve('out/history-summary.json'),
  });
  // PostgreSQL: the shards recorded theirs; the merged run is read, never recorded twice.
  const pg = reportInvocation('blobs', { url: PG });
  expect(pg).toMatchObject({ records: false, env: { JOURNEYS_HISTORY_RECORD: '0' } });
  expect(pg.args).not.toContain('--config');
  expect(nightlyFiles()).toMatchObject({
    summary: path.resolve('reports/summary.json'),
    historyPage: path.resolve('reports/history'),
  });
});

type Test = JSONReportSuite['specs'][number]['tests'][number];
const attempt = (annotations: Test['annotations'] = []) =>
  ({ annotations, status: 'failed' }) as unknown as Test['results'][number];
const spec = (
  file: string,
  title: string,
  status: Test['status'],
  testAnnotations: Test['annotations'] = [],
  last = attempt(),
) => ({
  title,
  file,
  tests: [
    { projectName: 'journeys', status, annotations: testAnnotations, results: [attempt(), last] } as unknown as Test,
  ],
});

const REPORT = {
  stats: { startTime: '2026-01-02T02:00:00.000Z', duration: 1000, expected: 3, unexpected: 3, flaky: 1, skipped: 0 },
  errors: [],
  suites: [
    {
      title: 'checkout.journey.ts',
      file: 'checkout.journey.ts',
      specs: [
        spec(
          'checkout.journey.ts',
          'check out',
          'unexpected',
          [],
          attempt([{ type: 'failure-category', description: 'PRODUCT' }]),
        ),
      ],
      suites: [
        {
          title: 'nested describe',
          file: 'checkout.journey.ts',
          specs: [
            spec('checkout.journey.ts', 'pay', 'unexpected', [{ type: 'failure-category', description: 'PRODUCT' }]),
            spec('checkout.journey.ts', 'refund', 'unexpected'),
          ],
        },
      ],
    },
    {
      title: 'search.journey.ts',
      file: 'search.journey.ts',
      specs: [spec('search.journey.ts', 'search', 'flaky'), spec('search.journey.ts', 'browse', 'expected')],
    },
  ],
} as unknown as JSONReport;

test('the night summary: counts, flaky, failures with their category (test or last attempt, else UNKNOWN), by category', () => {
  const summary = summariseNight({ report: REPORT });
  expect(summary).toEqual({
    status: 'failed',
    stats: REPORT.stats,
    flaky: ['search.journey.ts › search'],
    failed: [
      { test: 'checkout.journey.ts › check out', project: 'journeys', category: 'PRODUCT' },
      { test: 'checkout.journey.ts › pay', project: 'journeys', category: 'PRODUCT' },
      { test: 'checkout.journey.ts › refund', project: 'journeys', category: 'UNKNOWN' },
    ],
    byCategory: { PRODUCT: 2, UNKNOWN: 1 },
    problems: [],
  });
  expect(formatNightSummary(summary, 'reports/summary.json')).toEqual([
    'night FAILED: 3 passed, 1 flaky, 3 failed, 0 skipped (PRODUCT 2, UNKNOWN 1)',
    '  failed: checkout.journey.ts › check out [journeys] PRODUCT',
    '  failed: checkout.journey.ts › pay [journeys] PRODUCT',
    '  failed: checkout.journey.ts › refund [journeys] UNKNOWN',
    '  flaky: search.journey.ts › search',
    'summary: reports/summary.json',
  ]);
});

test("the night's verdict: the history reporter's status (quarantine), else Playwright's counts; a step that failed fails it", () => {
  const passedByQuarantine = { status: 'passed', passedByQuarantine: true, fingerprint: 'kept as written' };
  expect(summariseNight({ report: REPORT, history: passedByQuarantine })).toMatchObject({
    status: 'passed',
    historySummary: passedByQuarantine,
  });
  const clean = { ...REPORT, stats: { ...REPORT.stats, unexpected: 0 } };
  expect(summariseNight({ report: clean }).status).toBe('passed');
  expect(summariseNight({ report: { ...clean, errors: [{ message: 'global setup' }] } }).status).toBe('failed');
  expect(summariseNight({ report: clean, history: { status: 'interrupted' } }).status).toBe('failed');
  expect(summariseNight({ report: clean, problems: ['playwright merge-reports exited 1'] })).toMatchObject({
    status: 'failed',
    problems: ['playwright merge-reports exited 1'],
  });
  const nothing = summariseNight({ problems: ['no blob report in all-blob-reports: no shard left one to merge'] });
  expect(nothing).toEqual({
    status: 'failed',
    flaky: [],
    failed: [],
    byCategory: {},
    problems: ['no blob report in all-blob-reports: no shard left one to merge'],
  });
  expect(formatNightSummary(nothing, 'reports/summary.json')[0]).toBe('night FAILED: no merged results');
});
