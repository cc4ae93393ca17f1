import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { formatHistoryReport } from '../../src/history/history-command.ts';
import { buildHistoryReport } from '../../src/history/history-report.ts';
import { journeyStats } from '../../src/history/journey-stats.ts';
import { journeyVerdict } from '../../src/history/journey-verdict.ts';
import { declaredQuarantine, parseQuarantine } from '../../src/history/manual-quarantine.ts';
import { outcomesPerRun, replayQuarantine } from '../../src/history/quarantine.ts';
import { quarantineGate } from '../../src/history/quarantine-gate.ts';
import { formatSampleRate, sampleRate, wilsonInterval } from '../../src/history/rate-interval.ts';
import type { IncidentRef, StoredJourneyResult, StoredRun } from '../../src/history/run-record.ts';
import type { HistoryStore } from '../../src/history/store/history-store.ts';
import { MIGRATIONS } from '../../src/history/store/migrations.ts';
import { loadSqliteDriver } from '../../src/history/store/sqlite-driver.ts';
import { openSqliteHistoryStore } from '../../src/history/store/sqlite-history-store.ts';

/** Flakes you can act on: rates with their interval, flaky / broken / incident apart, quarantine with an owner and an expiry. */

const sample = (
  run: number,
  status: StoredJourneyResult['status'],
  extra: Partial<StoredJourneyResult> = {},
): StoredJourneyResult => ({
  runId: `r${run}`,
  runStartedAt: new Date(Date.UTC(2026, 0, 1, run)).toISOString(),
  gitSha: 'aaaaaaaaaa',
  journeyId: 'j',
  project: 'p',
  file: 'f',
  title: 't',
  status,
  flaky: false,
  retries: 0,
  durationMs: 100,
  failureServices: [],
  quarantined: false,
  drift: [],
  ...extra,
});
const INCIDENT: IncidentRef = {
  id: 'orders@2026-01-01T03:00:00Z',
  service: 'orders',
  kind: 'oom',
  at: '2026-01-01T03:00:00Z',
};

test('Wilson score interval: known values, and honest at 0 of n and n of n', () => {
  // Reference values (Wilson 1927; e.g. R's prop.test(correct = FALSE), statsmodels proportion_confint(method="wilson")).
  const w = (k: number, n: number) => Object.values(wilsonInterval(k, n)).map((v) => Math.round(v * 10_000) / 10_000);
  expect(w(5, 20)).toEqual([0.1119, 0.4687]);
  expect(w(1, 10)).toEqual([0.0179, 0.4042]);
  expect(w(0, 10)).toEqual([0, 0.2775]);
  expect(w(10, 10)).toEqual([0.7225, 1]);
  expect(w(50, 100)).toEqual([0.4038, 0.5962]);
  expect(wilsonInterval(0, 0)).toEqual({ low: 0, high: 1 });
  expect(() => wilsonInterval(3, 2)).toThrow('0 ≤ count ≤ samples');
  expect(sampleRate(5, 20)).toEqual({ count: 5, samples: 20, rate: 0.25, low: 0.1119, high: 0.4687 });
  expect(formatSampleRate(sampleRate(5, 20))).toBe('25 % (5 of 20, 95 % CI 11–47 %)');
});

test('declared quarantine: owner, until and reason, in any order; every missing piece named', () => {
  const good = 'owner=@payments-team; until=2027-01-31; reason=flaky 3DS callback; see #12';
  expect(parseQuarantine(good)).toEqual({
    owner: '@payments-team',
    until: '2027-01-31',
    reason: 'flaky 3DS callback; see #12',
  });
  expect(parseQuarantine('reason=x;until=2027-01-31;owner=ana@example.com')).toMatchObject({
    owner: 'ana@example.com',
  });
  expect(parseQuarantine('until=2027-01-31; reason=x')).toEqual({ problem: 'it has no owner (owner=@team or a name)' });
  expect(parseQuarantine('owner=@a; until=31.01.2027; reason=x')).toEqual({
    problem: 'until=31.01.2027 is not a date (YYYY-MM-DD)',
  });
  expect(parseQuarantine('owner=@a; until=2027-02-30; reason=x')).toEqual({
    problem: 'until=2027-02-30 is not a date (YYYY-MM-DD)',
  });
  expect(parseQuarantine('flaky, ask Ana')).toEqual({
    problem:
      'cannot read "flaky, ask Ana" (write key=value pairs separated by ";"); it has no owner (owner=@team or a name); it has no expiry (until=YYYY-MM-DD); it has no reason (reason=…)',
  });
  expect(parseQuarantine('owner=@a; untill=2027-01-01; reason=x')).toMatchObject({
    problem: expect.stringContaining('unknown key "untill" (known: owner, until, reason)'),
  });

  const day = new Date('2027-01-31T23:00:00Z');
  const declared = (tags: string[], ...descriptions: string[]) =>
    declaredQuarantine(
      { tags, annotations: descriptions.map((description) => ({ type: 'quarantine', description })) },
      day,
    );
  expect(declared([])).toEqual({ state: 'none' });
  expect(declared(['@quarantine'], good)).toMatchObject({ state: 'active' }); // the tag may go with it
  expect(declared([], good)).toMatchObject({ state: 'active' }); // it holds through its last day
  expect(
    declaredQuarantine(
      { tags: [], annotations: [{ type: 'quarantine', description: good }] },
      new Date('2027-02-01T00:00:00Z'),
    ),
  ).toMatchObject({ state: 'expired', quarantine: { owner: '@payments-team', until: '2027-01-31' } });
  expect(declared(['@quarantine'])).toEqual({
    state: 'invalid',
    problem: "it is tagged @quarantine without a 'quarantine' annotation, so it has no owner, expiry or reason",
  });
  expect(declared([], good, good)).toMatchObject({ state: 'invalid', problem: expect.stringContaining('keep one') });
});

test('quarantine gate: expired and malformed declarations and the cap fail the run, naming journey, owner and fix', () => {
  const messages = quarantineGate({
    declared: [
      {
        journeyId: 'pay.journey.ts › pays by card',
        location: 'pay.journey.ts:4',
        declared: { state: 'expired', quarantine: { owner: '@payments-team', until: '2026-01-31', reason: '3DS' } },
      },
      {
        journeyId: 'refund.journey.ts › refunds',
        location: 'refund.journey.ts:9',
        declared: { state: 'invalid', problem: 'it has no owner (owner=@team or a name)' },
      },
      {
        journeyId: 'ok',
        location: 'ok:1',
        declared: { state: 'active', quarantine: { owner: 'o', until: '2099-01-01', reason: 'r' } },
      },
    ],
    quarantined: ['b', 'a', 'c'],
    max: 2,
  });
  expect(messages).toEqual([
    'the quarantine of "pay.journey.ts › pays by card" (pay.journey.ts:4) by @payments-team expired on 2026-01-31 (reason: 3DS); it is no longer applied and the run fails. Fix: @payments-team fixes the journey and removes the annotation, or sets a later until=',
    expect.stringMatching(
      /^the quarantine of "refund\.journey\.ts › refunds" \(refund\.journey\.ts:9\) is not applied: it has no owner \(owner=@team or a name\)\. Fix: say who fixes it, why, and by when: test\('…', \{ annotation: \{ type: 'quarantine', description: 'owner=@your-team; until=YYYY-MM-DD; reason=/,
    ),
    "3 journeys are quarantined in this run, more than quarantine.max (2): a, b, c. Fix: fix some of them and end their quarantine, or raise quarantine.max (the reporter's option or JOURNEYS_HISTORY_QUARANTINE)",
  ]);
  expect(quarantineGate({ declared: [], quarantined: ['a', 'b'], max: 2 })).toEqual([]);
  expect(quarantineGate({ declared: [], quarantined: ['a', 'b'] })).toEqual([]); // no cap by default
});

test('quarantine replay counts runs: the copies of one run are one outcome, incidents count for nothing', () => {
  // 4 copies in one run, one failing: one flaky run, not four results.
  const copies = [0, 1, 2, 3].map((i) => sample(1, i === 3 ? 'failed' : 'passed', { repeatIndex: i }));
  expect(outcomesPerRun(copies)).toEqual([expect.objectContaining({ runId: 'r1', status: 'passed', flaky: true })]);
  expect(outcomesPerRun([sample(1, 'failed'), sample(1, 'timedOut', { repeatIndex: 1 })])).toEqual([
    expect.objectContaining({ status: 'failed', flaky: false }),
  ]);
  const policy = { window: 4, flakeRate: 0.5, releaseAfter: 2 };
  expect(replayQuarantine(copies, policy).reason).toContain('flaky in 1 of its last 1 runs');
  expect(replayQuarantine([...copies, ...copies.map((c) => ({ ...c, runId: 'r2' }))], policy).quarantined).toBe(true);
  // A retry that passed after a service died is the stack's doing, not a flake.
  expect(
    replayQuarantine(
      [
        sample(1, 'passed', { flaky: true, incident: INCIDENT }),
        sample(2, 'passed', { flaky: true, incident: INCIDENT }),
      ],
      policy,
    ).quarantined,
  ).toBe(false);
});

test('verdict: flaky (same inputs, different outcomes), broken since run X, failing, incidents apart', () => {
  // --repeat-each in one run: both outcomes at the same inputs.
  const repeat = Array.from({ length: 20 }, (_, i) => sample(1, i % 4 === 3 ? 'failed' : 'passed', { repeatIndex: i }));
  expect(journeyVerdict(repeat, 10)).toEqual({
    kind: 'flaky',
    flakyEvidence: ['failed 5 of 20 samples at the same inputs (sha aaaaaaa, project p; 1 run)'],
    incidents: [],
  });
  // Passed on a retry.
  expect(journeyVerdict([sample(1, 'passed'), sample(2, 'passed', { flaky: true })], 10)).toMatchObject({
    kind: 'flaky',
    flakyEvidence: ['passed on a retry in 1 of 2 samples'],
  });
  // A pass at one sha and a failure at another is a change, not a flake.
  expect(journeyVerdict([sample(1, 'failed', { gitSha: 'b' }), sample(2, 'passed', { gitSha: 'c' })], 10).kind).toBe(
    'passing',
  );
  // Broken: passed in runs 1–2, failed since run 3 (every copy), at the same sha: the breakage explains the failures.
  const broken = [
    sample(1, 'passed'),
    sample(2, 'passed'),
    sample(3, 'failed'),
    sample(4, 'failed'),
    sample(4, 'failed', { repeatIndex: 1 }),
  ];
  expect(journeyVerdict(broken, 10)).toEqual({
    kind: 'broken',
    flakyEvidence: [],
    brokenSince: { runId: 'r3', startedAt: broken[2]!.runStartedAt, gitSha: 'aaaaaaaaaa', runs: 2, passedBefore: true },
    incidents: [],
  });
  // An incident in between neither breaks the streak nor counts as a failure.
  const withIncident = [...broken, sample(5, 'failed', { incident: INCIDENT })];
  expect(journeyVerdict(withIncident, 10)).toMatchObject({ kind: 'broken', brokenSince: { runId: 'r3', runs: 2 } });
  expect(journeyVerdict(withIncident, 10).incidents).toEqual([
    { runId: 'r5', startedAt: withIncident[5]!.runStartedAt, gitSha: 'aaaaaaaaaa', incident: INCIDENT },
  ]);
  // Failing since its first run: never passed.
  expect(journeyVerdict([sample(1, 'failed'), sample(2, 'failed')], 10)).toMatchObject({
    kind: 'failing',
    brokenSince: { runId: 'r1', runs: 2, passedBefore: false },
  });
  // Only incidents: not flaky, not broken.
  expect(journeyVerdict([sample(1, 'passed'), sample(2, 'failed', { incident: INCIDENT })], 10).kind).toBe('passing');
  expect(journeyVerdict([sample(1, 'notRun')], 10).kind).toBe('notRun');
});

test('journey stats with --repeat-each: every copy a sample, the window counts runs, the rate carries n and its interval', () => {
  const run = (n: number) =>
    Array.from({ length: 20 }, (_, i) => sample(n, i % 4 === 3 ? 'failed' : 'passed', { repeatIndex: i }));
  const stats = journeyStats([...run(1), ...run(2)], 1);
  expect(stats).toMatchObject({
    runs: 1,
    samples: 20,
    passed: 15,
    failed: 5,
    failureRate: { count: 5, samples: 20, rate: 0.25, low: 0.1119, high: 0.4687 },
    inIncident: 0,
    verdict: { kind: 'flaky' },
  });
  expect(journeyStats([...run(1), ...run(2)], 2)).toMatchObject({ runs: 2, samples: 40 });
  // Incidents leave the rate.
  expect(journeyStats([sample(1, 'passed'), sample(2, 'failed', { incident: INCIDENT })], 10)).toMatchObject({
    failureRate: { count: 0, samples: 1 },
    inIncident: 1,
  });
});

test('journey stats: a declared quarantine from the newest run, since the first run that carried it', () => {
  const declared = {
    quarantined: true,
    quarantineOwner: '@pay',
    quarantineUntil: '2027-01-31',
    quarantineReason: '3DS',
  };
  const stats = journeyStats([sample(1, 'passed'), sample(2, 'failed', declared), sample(3, 'passed', declared)], 10);
  expect(stats.quarantine).toEqual({
    quarantined: true,
    reason: '3DS',
    since: { runId: 'r2', startedAt: sample(2, 'passed').runStartedAt },
    owner: '@pay',
    until: '2027-01-31',
  });
  // Removed from the code: gone from the history's view too.
  expect(journeyStats([sample(1, 'failed', declared), sample(2, 'passed')], 10).quarantine.quarantined).toBe(false);
});

/** A store that answers from memory: the report and the command's output without a database. */
function memoryStore(results: StoredJourneyResult[]): HistoryStore {
  const runs = new Map<string, StoredRun>();
  for (const r of results)
    runs.set(r.runId, {
      runId: r.runId,
      startedAt: r.runStartedAt,
      endedAt: r.runStartedAt,
      status: 'failed',
      passedByQuarantine: false,
      ...(r.gitSha ? { gitSha: r.gitSha } : {}),
      images: {},
    });
  return {
    description: 'memory',
    recordRun: async () => undefined,
    recentRuns: async (limit) => [...runs.values()].slice(-limit),
    journeyResults: async () => results,
    baselineShapes: async () => ({}),
    close: async () => undefined,
  };
}

test('journeys history: flaky, broken since run X and incidents in sections of their own, quarantine owners shown', async () => {
  const flaky = Array.from({ length: 20 }, (_, i) =>
    sample(1, i % 4 === 3 ? 'failed' : 'passed', { journeyId: 'a.journey.ts › flaky', repeatIndex: i }),
  );
  const broken = [1, 2, 3].map((n) => sample(n, n === 1 ? 'passed' : 'failed', { journeyId: 'b.journey.ts › broken' }));
  const incident = [1, 2].map((n) =>
    sample(n, n === 2 ? 'failed' : 'passed', {
      journeyId: 'c.journey.ts › died',
      ...(n === 2 ? { incident: INCIDENT } : {}),
    }),
  );
  const declared = [3].map((n) =>
    sample(n, 'passed', {
      journeyId: 'd.journey.ts › owned',
      quarantined: true,
      quarantineOwner: '@pay',
      quarantineUntil: '2027-01-31',
      quarantineReason: '3DS',
    }),
  );
  const all = [...flaky, ...broken, ...incident, ...declared].sort((x, y) => x.runId.localeCompare(y.runId));
  const report = await buildHistoryReport(memoryStore(all), { window: 20 });
  expect(report.journeys.find((j) => j.journeyId === 'a.journey.ts › flaky')).toMatchObject({
    samples: 20,
    failureRate: { count: 5, samples: 20, rate: 0.25 },
    verdict: { kind: 'flaky' },
  });
  expect(report.quarantined).toEqual([
    expect.objectContaining({ journeyId: 'd.journey.ts › owned', owner: '@pay', until: '2027-01-31' }),
  ]);
  const text = formatHistoryReport(report).join('\n');
  expect(text).toContain(
    [
      'Flaky (same inputs, different outcomes):',
      '  a.journey.ts › flaky: fails 25 % (5 of 20, 95 % CI 11–47 %); failed 5 of 20 samples at the same inputs (sha aaaaaaa, project p; 1 run)',
      '',
      'Broken (failing in every run since one in which it passed before):',
      `  b.journey.ts › broken: broken since run r2 (${broken[1]!.runStartedAt.replace('T', ' ').slice(0, 16)} UTC, sha aaaaaaa), 2 runs`,
      '',
      'Failed in an incident (a service died, restarted, ran out of memory or turned unhealthy: not counted as flaky or broken):',
      `  c.journey.ts › died: run r2 (${incident[1]!.runStartedAt.replace('T', ' ').slice(0, 16)} UTC, sha aaaaaaa): orders was OOM-killed at 2026-01-01T03:00:00Z: incident orders@2026-01-01T03:00:00Z`,
      '',
      'Quarantined (they run and are reported, but their failures do not fail the run):',
      `  d.journey.ts › owned: owner @pay, until 2027-01-31 — 3DS (since ${declared[0]!.runStartedAt.replace('T', ' ').slice(0, 16)} UTC, run r3)`,
    ].join('\n'),
  );
  expect(text).toMatch(/a\.journey\.ts › flaky\s+flaky\s+15\s+0\s+5\s+25% \[11–47%\]\s+20/);
});

test('schema 4 in SQLite: a version-3 database keeps every row (each copy 0), and copies of one run are rows of their own', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'journeys-v4-'));
  try {
    const file = path.join(dir, 'history.sqlite');
    const db = loadSqliteDriver().open(file, { busyTimeoutMs: 0 });
    db.exec(
      'CREATE TABLE schema_version (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)',
    );
    for (const m of MIGRATIONS.filter((m) => m.version <= 3)) {
      db.exec(m.sqlite);
      db.prepare('INSERT INTO schema_version VALUES (?, ?, ?)').run(m.version, m.description, 'then');
    }
    db.exec(
      `INSERT INTO runs (run_id, started_at, ended_at, status) VALUES ('old', '2026-01-01T00:00:00.000Z', '2026-01-01T00:01:00.000Z', 'passed')`,
    );
    db.exec(`INSERT INTO journey_results (run_id, journey_id, project, file, title, status, flaky, retries, duration_ms, quarantined, quarantine_reason, correlation_id)
      VALUES ('old', 'j', 'p', 'f', 't', 'passed', 0, 0, 42, 1, 'tagged @quarantine', 'cid')`);
    db.close();

    const store = await openSqliteHistoryStore({ file, access: 'write', busyTimeoutMs: 100 });
    const journey = (repeatIndex: number, status: 'passed' | 'failed') => ({
      ...sample(0, status),
      repeatIndex,
      quarantineOwner: '@pay',
      quarantineUntil: '2027-01-31',
    });
    await store.recordRun({
      runId: 'new',
      startedAt: '2026-01-02T00:00:00.000Z',
      endedAt: '2026-01-02T00:01:00.000Z',
      status: 'failed',
      passedByQuarantine: false,
      images: {},
      journeys: [journey(0, 'passed'), journey(1, 'failed')],
      shapes: [],
    });
    const rows = await store.journeyResults({ perJourney: 10 });
    // The window counts runs: the newest one run holds both copies.
    const newest = await store.journeyResults({ perJourney: 1 });
    await store.close();
    expect(rows.map((r) => [r.runId, r.repeatIndex ?? 0, r.status, r.durationMs])).toEqual([
      ['old', 0, 'passed', 42],
      ['new', 0, 'passed', 100],
      ['new', 1, 'failed', 100],
    ]);
    expect(rows[0]).toMatchObject({ quarantined: true, quarantineReason: 'tagged @quarantine', correlationId: 'cid' });
    expect(rows[2]).toMatchObject({ quarantineOwner: '@pay', quarantineUntil: '2027-01-31' });
    expect(newest.map((r) => r.repeatIndex ?? 0)).toEqual([0, 1]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
