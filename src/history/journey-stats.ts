import { z } from 'zod';
import { DEFAULT_QUARANTINE_POLICY, type QuarantinePolicy, replayQuarantine } from './quarantine.ts';
import { failureCategorySchema, journeyStatusSchema, type StoredJourneyResult } from './run-record.ts';

const runRef = z.object({ runId: z.string(), startedAt: z.string(), gitSha: z.string().optional() });

export const journeyStatsSchema = z.object({
  journeyId: z.string(),
  projects: z.array(z.string()),
  /** Results counted: the journey's newest `window` results. */
  runs: z.number(),
  /** Passed first time. */
  passed: z.number(),
  /** Failed, then passed on a retry. */
  flaky: z.number(),
  /** Failed or timed out on every attempt. */
  failed: z.number(),
  /** Skipped, not run (stack down) or interrupted. */
  notRun: z.number(),
  /** flaky ÷ (passed + flaky + failed): how often a pass needed a retry. */
  flakeRate: z.number(),
  lastStatus: journeyStatusSchema,
  lastFailure: runRef
    .extend({
      category: failureCategorySchema.optional(),
      reason: z.string().optional(),
      services: z.array(z.string()),
      /** It failed on an attempt, then passed on a retry. */
      flaky: z.boolean(),
    })
    .optional(),
  /** The first run of the current failure streak (the journey fails now); `runs` in a row. */
  failingSince: runRef.extend({ runs: z.number() }).optional(),
  /** Durations of passing attempts (flaky included), ms. */
  duration: z.object({
    medianMs: z.number().optional(),
    p95Ms: z.number().optional(),
    /** Median of the older half of the window against the newer half. */
    trend: z.object({
      olderMedianMs: z.number().optional(),
      newerMedianMs: z.number().optional(),
      changePct: z.number().optional(),
      direction: z.enum(['slower', 'faster', 'steady', 'unknown']),
    }),
  }),
  quarantine: z.object({
    quarantined: z.boolean(),
    reason: z.string(),
    since: z.object({ runId: z.string(), startedAt: z.string() }).optional(),
  }),
  /** `drift` annotations of its newest run. */
  drift: z.array(z.string()),
});
export type JourneyStats = z.infer<typeof journeyStatsSchema>;

/** Trends within ±10 % are noise on a shared CI machine. */
const STEADY_PCT = 10;

/**
 * One journey's numbers from its results (oldest first). Counts and durations cover the newest
 * `window` results; the failure streak and quarantine look at everything given (the streak may
 * begin before the window).
 */
export function journeyStats(
  results: readonly StoredJourneyResult[],
  window: number,
  policy: QuarantinePolicy = DEFAULT_QUARANTINE_POLICY,
): JourneyStats {
  const newest = results.at(-1);
  if (!newest) throw new Error('journeyStats needs at least one result');
  const counted = results.slice(-window);
  const isFailure = (r: StoredJourneyResult) => r.status === 'failed' || r.status === 'timedOut';
  const passed = counted.filter((r) => r.status === 'passed' && !r.flaky).length;
  const flaky = counted.filter((r) => r.flaky).length;
  const failed = counted.filter(isFailure).length;
  const ran = passed + flaky + failed;

  const lastFailed = [...results].reverse().find((r) => isFailure(r) || r.flaky);
  const ranResults = results.filter((r) => r.status === 'passed' || isFailure(r));
  let streakStart: StoredJourneyResult | undefined;
  let streak = 0;
  for (const result of [...ranResults].reverse()) {
    if (!isFailure(result)) break;
    streakStart = result;
    streak += 1;
  }

  const durations = counted.filter((r) => r.status === 'passed').map((r) => r.durationMs);
  const half = Math.floor(durations.length / 2);
  const older = half >= 2 ? median(durations.slice(0, half)) : undefined;
  const newer = half >= 2 ? median(durations.slice(durations.length - half)) : undefined;
  const changePct =
    older !== undefined && newer !== undefined && older > 0
      ? Math.round(((newer - older) / older) * 1000) / 10
      : undefined;

  return {
    journeyId: newest.journeyId,
    projects: [...new Set(results.map((r) => r.project))],
    runs: counted.length,
    passed,
    flaky,
    failed,
    notRun: counted.length - ran,
    flakeRate: ran ? Math.round((flaky / ran) * 1000) / 1000 : 0,
    lastStatus: newest.status,
    ...(lastFailed
      ? {
          lastFailure: {
            runId: lastFailed.runId,
            startedAt: lastFailed.runStartedAt,
            ...(lastFailed.gitSha ? { gitSha: lastFailed.gitSha } : {}),
            ...(lastFailed.failureCategory ? { category: lastFailed.failureCategory } : {}),
            ...(lastFailed.failureReason ? { reason: lastFailed.failureReason } : {}),
            services: lastFailed.failureServices,
            flaky: lastFailed.flaky,
          },
        }
      : {}),
    ...(streakStart
      ? {
          failingSince: {
            runId: streakStart.runId,
            startedAt: streakStart.runStartedAt,
            ...(streakStart.gitSha ? { gitSha: streakStart.gitSha } : {}),
            runs: streak,
          },
        }
      : {}),
    duration: {
      ...(durations.length ? { medianMs: median(durations), p95Ms: percentile(durations, 95) } : {}),
      trend: {
        ...(older !== undefined ? { olderMedianMs: older } : {}),
        ...(newer !== undefined ? { newerMedianMs: newer } : {}),
        ...(changePct !== undefined ? { changePct } : {}),
        direction:
          changePct === undefined
            ? 'unknown'
            : changePct > STEADY_PCT
              ? 'slower'
              : changePct < -STEADY_PCT
                ? 'faster'
                : 'steady',
      },
    },
    quarantine: replayQuarantine(results, policy),
    drift: newest.drift,
  };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : Math.round((sorted[middle - 1]! + sorted[middle]!) / 2);
}

/** Nearest rank: a duration some run really took. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
