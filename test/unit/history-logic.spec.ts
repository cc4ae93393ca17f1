import { expect, test } from '@playwright/test';
import { diffShapes } from '../../src/history/drift/diff-shapes.ts';
import { mergeShapes, shapeOf } from '../../src/history/drift/shape-of.ts';
import { journeyStats, percentile } from '../../src/history/journey-stats.ts';
import { replayQuarantine } from '../../src/history/quarantine.ts';
import type { StoredJourneyResult } from '../../src/history/run-record.ts';
import { historyLocation } from '../../src/history/store/open-history-store.ts';
import { redactedUrl } from '../../src/history/store/postgres-history-store.ts';

test('shapeOf: field paths and JSON types, arrays as [], unions for disagreeing elements', () => {
  expect(
    shapeOf({
      id: 1,
      tags: ['a', 'b'],
      items: [
        { sku: 'x', price: 1 },
        { sku: 'y', price: '2' },
      ],
      meta: { 'x.y': true, empty: [] },
      gone: undefined,
    }),
  ).toEqual({
    id: 'number',
    items: 'array',
    'items[]': 'object',
    'items[].price': 'number|string',
    'items[].sku': 'string',
    meta: 'object',
    'meta.empty': 'array',
    'meta["x.y"]': 'boolean',
    tags: 'array',
    'tags[]': 'string',
  });
  expect(shapeOf('text')).toEqual({ $: 'string' });
  expect(shapeOf([{ a: null }])).toEqual({ $: 'array', '[]': 'object', '[].a': 'null' });
  expect(mergeShapes(shapeOf({ a: 1 }), shapeOf({ a: null, b: 's' }))).toEqual({ a: 'null|number', b: 'string' });
});

test('diffShapes: added, removed and retyped paths', () => {
  const baseline = shapeOf({ orderId: 'o', total: 1, items: [{ sku: 'a' }], legacy: true });
  const current = shapeOf({ orderId: 'o', total: '1', items: [{ sku: 'a', discount: 0.1 }] });
  expect(diffShapes(baseline, current)).toEqual({
    added: ['items[].discount'],
    removed: ['legacy'],
    retyped: [{ path: 'total', from: 'number', to: 'string' }],
  });
  expect(diffShapes(current, current)).toEqual({ added: [], removed: [], retyped: [] });
});

const result = (
  i: number,
  status: StoredJourneyResult['status'],
  flaky = false,
  durationMs = 100,
): StoredJourneyResult => ({
  runId: `r${i}`,
  runStartedAt: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString(),
  journeyId: 'j',
  project: 'p',
  file: 'f',
  title: 't',
  status,
  flaky,
  retries: flaky || status === 'failed' ? 1 : 0,
  durationMs,
  failureServices: [],
  quarantined: false,
  drift: [],
});

test('quarantine replay: the window is the denominator, hysteresis on release, not-run results count for nothing', () => {
  const policy = { window: 10, flakeRate: 0.2, releaseAfter: 3 };
  expect(replayQuarantine([result(1, 'passed', true)], policy).quarantined).toBe(false); // 1 of 10 < 0.2
  const flaky2 = [result(1, 'passed', true), result(2, 'skipped'), result(3, 'notRun'), result(4, 'passed', true)];
  expect(replayQuarantine(flaky2, policy)).toMatchObject({ quarantined: true, since: { runId: 'r4' } });
  const released = [
    ...flaky2,
    result(5, 'passed'),
    result(6, 'failed'),
    result(7, 'passed'),
    result(8, 'passed'),
    result(9, 'passed'),
  ];
  expect(replayQuarantine(released, policy)).toEqual({
    quarantined: false,
    reason: 'left quarantine after 3 clean runs in a row',
    since: { runId: 'r9', startedAt: released.at(-1)!.runStartedAt },
  });
  // The flakes before the release are forgotten: one new flake is 1 of 10 again.
  expect(replayQuarantine([...released, result(10, 'passed', true)], policy).quarantined).toBe(false);
  expect(
    replayQuarantine([...released, result(10, 'passed', true), result(11, 'passed', true)], policy).quarantined,
  ).toBe(true);
});

test('journey stats: counts, streak, median and p95, trend', () => {
  const durations = [100, 110, 90, 105, 200, 210, 190, 205];
  const results = [
    ...durations.map((d, i) => result(i, 'passed', false, d)),
    result(8, 'failed'),
    result(9, 'timedOut'),
  ];
  const stats = journeyStats(results, 10);
  expect(stats).toMatchObject({
    runs: 10,
    passed: 8,
    flaky: 0,
    failed: 2,
    notRun: 0,
    flakeRate: 0,
    lastStatus: 'timedOut',
    failingSince: { runId: 'r8', runs: 2 },
  });
  expect(stats.duration).toEqual({
    medianMs: 150,
    p95Ms: 210,
    trend: { olderMedianMs: 103, newerMedianMs: 203, changePct: 97.1, direction: 'slower' },
  });
  expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20], 95)).toBe(19);
  expect(journeyStats(results, 3)).toMatchObject({ runs: 3, passed: 1, failed: 2 });
});

test('history location: postgres URLs, SQLite files, and a clear refusal for anything else', () => {
  expect(historyLocation(undefined)).toEqual({ kind: 'sqlite', file: 'reports/history.sqlite' });
  expect(historyLocation('postgresql://u:p@h:5432/d')).toEqual({ kind: 'postgres', url: 'postgresql://u:p@h:5432/d' });
  expect(historyLocation('sqlite:/tmp/h.sqlite')).toEqual({ kind: 'sqlite', file: '/tmp/h.sqlite' });
  expect(() => historyLocation('mysql://u:secret@h/d')).toThrow(
    'history database mysql://***@h/d: only PostgreSQL URLs and SQLite files are supported. Fix: set JOURNEYS_HISTORY_URL to postgres://',
  );
  expect(redactedUrl('postgres://ci:s3cret@db:5432/history')).toBe('postgres://ci:***@db:5432/history');
});
