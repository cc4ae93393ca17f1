import { z } from 'zod';
import { runCoverageSchema } from '../coverage/coverage-item.ts';
import { coverageChange } from '../coverage/run-coverage.ts';
import { journeyStats, journeyStatsSchema, median } from './journey-stats.ts';
import {
  AUTOMATIC_QUARANTINE_OWNER,
  DEFAULT_QUARANTINE_POLICY,
  QUARANTINE_REPLAY_RUNS,
  type QuarantinePolicy,
  quarantinePolicySchema,
} from './quarantine.ts';
import { failureCategorySchema, runRecordSchema, type StoredJourneyResult, type StoredRun } from './run-record.ts';
import { runResourcePeaks } from './run-summary.ts';
import type { HistoryStore } from './store/history-store.ts';

/**
 * `journeys history --json`: the history of the newest `window` runs, per run and per journey.
 * This schema is the contract for machines reading it; `schemaVersion` changes when it breaks.
 */
export const historyReportSchema = z.object({
  schemaVersion: z.literal(1),
  database: z.string(),
  generatedAt: z.string(),
  window: z.number(),
  quarantinePolicy: quarantinePolicySchema,
  /** Oldest first. */
  runs: z.array(
    runRecordSchema.omit({ journeys: true, shapes: true, coverage: true }).extend({
      /** Results (a journey per project and `--repeat-each` copy) by outcome. */
      counts: z.object({ passed: z.number(), flaky: z.number(), failed: z.number(), notRun: z.number() }),
      /** Failures (flaky attempts included) by category and by failing service. */
      failuresByCategory: z.record(z.string(), z.number()),
      failuresByService: z.record(z.string(), z.number()),
      /** journeyId → duration (ms) of its passing attempt in this run (the median of its passing copies). */
      durations: z.record(z.string(), z.number()),
      /** service → the highest peak memory (bytes) one journey of this run saw it at (the resources fixture). */
      peakMemory: z.record(z.string(), z.number()),
    }),
  ),
  journeys: z.array(journeyStatsSchema),
  quarantined: z.array(
    z.object({
      journeyId: z.string(),
      reason: z.string(),
      since: z.object({ runId: z.string(), startedAt: z.string() }).optional(),
      /** The declaration's owner, or `unowned (automatic)` for the flake-rate quarantine. */
      owner: z.string(),
      /** The declaration's last day (YYYY-MM-DD). */
      until: z.string().optional(),
    }),
  ),
  /** Journeys whose newest run reported drift. */
  drift: z.array(
    z.object({ journeyId: z.string(), runId: z.string(), startedAt: z.string(), drift: z.array(z.string()) }),
  ),
  /** The newest run's coverage (the coverage page), and what it gained and lost against the run before that had one. */
  coverage: z
    .object({
      runId: z.string(),
      startedAt: z.string(),
      gitSha: z.string().optional(),
      coverage: runCoverageSchema,
      change: z.object({
        gained: z.array(z.string()),
        lost: z.array(z.string()),
        since: z.object({ runId: z.string(), startedAt: z.string() }).optional(),
      }),
    })
    .optional(),
  /** Journeys whose newest run failed, with what changed since they last passed (most likely first). */
  suspects: z
    .array(z.object({ journeyId: z.string(), runId: z.string(), startedAt: z.string(), suspects: z.array(z.string()) }))
    .default([]),
  failuresByCategory: z.partialRecord(failureCategorySchema.or(z.literal('UNKNOWN')), z.number()),
  failuresByService: z.record(z.string(), z.number()),
});
export type HistoryReport = z.infer<typeof historyReportSchema>;

export async function buildHistoryReport(
  store: HistoryStore,
  options: { window: number; quarantine?: Partial<QuarantinePolicy> },
): Promise<HistoryReport> {
  const policy = quarantinePolicySchema.parse(options.quarantine ?? DEFAULT_QUARANTINE_POLICY);
  const runs = await store.recentRuns(options.window);
  const results = await store.journeyResults({ perJourney: Math.max(options.window, QUARANTINE_REPLAY_RUNS) });
  const inWindow = new Set(runs.map((r) => r.runId));
  const byRun = groupBy(
    results.filter((r) => inWindow.has(r.runId)),
    (r) => r.runId,
  );
  const byJourney = groupBy(results, (r) => r.journeyId);
  // A journey no run in the window ran (renamed, deleted) is history, not news.
  const journeys = [...byJourney.values()]
    .filter((own) => inWindow.has(own.at(-1)!.runId))
    .map((own) => journeyStats(own, options.window, policy))
    .sort((a, b) => a.journeyId.localeCompare(b.journeyId));

  const windowResults = [...byRun.values()].flat();
  return {
    schemaVersion: 1,
    database: store.description,
    generatedAt: new Date().toISOString(),
    window: options.window,
    quarantinePolicy: policy,
    ...coverageOfRuns(runs),
    runs: runs.map(({ coverage: _, ...run }) => {
      const own = byRun.get(run.runId) ?? [];
      return {
        ...run,
        counts: {
          passed: own.filter((r) => r.status === 'passed' && (!r.flaky || r.incident !== undefined)).length,
          flaky: own.filter((r) => r.flaky && !r.incident).length,
          failed: own.filter(isFailure).length,
          notRun: own.filter((r) => !isFailure(r) && r.status !== 'passed').length,
        },
        failuresByCategory: countBy(own.filter(failedAtAll), (r) => [r.failureCategory ?? 'UNKNOWN']),
        failuresByService: countBy(own.filter(failedAtAll), (r) => r.failureServices),
        durations: Object.fromEntries(
          [
            ...groupBy(
              own.filter((r) => r.status === 'passed'),
              (r) => r.journeyId,
            ),
          ].map(([journeyId, copies]) => [journeyId, median(copies.map((r) => r.durationMs))]),
        ),
        peakMemory: Object.fromEntries(runResourcePeaks(own).map((peak) => [peak.service, peak.peakMemoryBytes])),
      };
    }),
    journeys,
    quarantined: journeys
      .filter((j) => j.quarantine.quarantined)
      .map((j) => ({
        journeyId: j.journeyId,
        reason: j.quarantine.reason,
        ...(j.quarantine.since ? { since: j.quarantine.since } : {}),
        owner: j.quarantine.owner ?? AUTOMATIC_QUARANTINE_OWNER,
        ...(j.quarantine.until ? { until: j.quarantine.until } : {}),
      })),
    drift: journeys
      .filter((j) => j.drift.length > 0)
      .map((j) => {
        const newest = byJourney.get(j.journeyId)!.at(-1)!;
        return { journeyId: j.journeyId, runId: newest.runId, startedAt: newest.runStartedAt, drift: j.drift };
      }),
    suspects: journeys
      .map((j) => byJourney.get(j.journeyId)!.at(-1)!)
      .filter((newest) => isFailure(newest) && newest.suspects?.length)
      .map((newest) => ({
        journeyId: newest.journeyId,
        runId: newest.runId,
        startedAt: newest.runStartedAt,
        suspects: newest.suspects ?? [],
      })),
    failuresByCategory: countBy(windowResults.filter(failedAtAll), (r) => [r.failureCategory ?? 'UNKNOWN']),
    failuresByService: countBy(windowResults.filter(failedAtAll), (r) => r.failureServices),
  };
}

function isFailure(r: StoredJourneyResult): boolean {
  return r.status === 'failed' || r.status === 'timedOut';
}

/** Failed, or flaky (it failed an attempt): both are failures worth counting by cause. */
function failedAtAll(r: StoredJourneyResult): boolean {
  return isFailure(r) || r.flaky;
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return groups;
}

function countBy<T>(items: readonly T[], keys: (item: T) => string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) for (const key of keys(item)) counts[key] = (counts[key] ?? 0) + 1;
  return counts;
}

/** The newest run with a coverage, against the one before it that had one. */
function coverageOfRuns(runs: readonly StoredRun[]): Pick<HistoryReport, 'coverage'> {
  const withCoverage = runs.filter((run) => run.coverage);
  const newest = withCoverage.at(-1);
  if (!newest?.coverage) return {};
  const before = withCoverage.at(-2);
  return {
    coverage: {
      runId: newest.runId,
      startedAt: newest.startedAt,
      ...(newest.gitSha ? { gitSha: newest.gitSha } : {}),
      coverage: newest.coverage,
      change: {
        ...coverageChange(before?.coverage, newest.coverage),
        ...(before ? { since: { runId: before.runId, startedAt: before.startedAt } } : {}),
      },
    },
  };
}
