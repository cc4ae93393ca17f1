import { z } from 'zod';
import { journeyVerdict, journeyVerdictSchema } from './journey-verdict.ts';
import {
  AUTOMATIC_QUARANTINE_OWNER,
  DEFAULT_QUARANTINE_POLICY,
  type QuarantinePolicy,
  type QuarantineVerdict,
  replayQuarantine,
} from './quarantine.ts';
import { sampleRate, sampleRateSchema } from './rate-interval.ts';
import { failureCategorySchema, journeyStatusSchema, type StoredJourneyResult } from './run-record.ts';

const runRef = z.object({ runId: z.string(), startedAt: z.string(), gitSha: z.string().optional() });

export const journeyStatsSchema = z.object({
  journeyId: z.string(),
  projects: z.array(z.string()),
  /** Runs counted: the journey's newest `window` runs. */
  runs: z.number(),
  /** Results in those runs: one per run, project and `--repeat-each` copy. The counts below count these. */
  samples: z.number(),
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
  /** Samples that failed an attempt (failed, or passed on a retry) ÷ samples that ran, incidents left out, with n and its 95 % Wilson interval: a flaky journey's flake rate. */
  failureRate: sampleRateSchema,
  /** Results that failed in an incident (a service died…): not counted in failureRate. */
  inIncident: z.number(),
  /** Flaky, broken since run X, failing, passing; and its incidents apart (journey-verdict.ts). */
  verdict: journeyVerdictSchema,
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
  /** Declared (owner, until and its reason, from its newest run) or by flake rate (owner `unowned (automatic)`). */
  quarantine: z.object({
    quarantined: z.boolean(),
    reason: z.string(),
    since: z.object({ runId: z.string(), startedAt: z.string() }).optional(),
    owner: z.string().optional(),
    until: z.string().optional(),
  }),
  /** `drift` annotations of its newest run. */
  drift: z.array(z.string()),
});
export type JourneyStats = z.infer<typeof journeyStatsSchema>;

/** Trends within ±10 % are noise on a shared CI machine. */
const STEADY_PCT = 10;

/**
 * One journey's numbers from its results (oldest first; every project and `--repeat-each` copy).
 * Counts and durations cover the results of the newest `window` runs, every copy a sample; the
 * failure streak and quarantine look at everything given (the streak may begin before the window).
 */
export function journeyStats(
  results: readonly StoredJourneyResult[],
  window: number,
  policy: QuarantinePolicy = DEFAULT_QUARANTINE_POLICY,
): JourneyStats {
  const newest = results.at(-1);
  if (!newest) throw new Error('journeyStats needs at least one result');
  const counted = inNewestRuns(results, window);
  const isFailure = (r: StoredJourneyResult) => r.status === 'failed' || r.status === 'timedOut';
  const journeyRan = counted.filter((r) => !r.incident && (r.status === 'passed' || isFailure(r)));
  // Failed, then passed once the incident was healed: the journey passed; the incident is not its flake.
  const passed = counted.filter((r) => r.status === 'passed' && (!r.flaky || r.incident)).length;
  const flaky = counted.filter((r) => r.flaky && !r.incident).length;
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
    runs: new Set(counted.map((r) => r.runId)).size,
    samples: counted.length,
    passed,
    flaky,
    failed,
    notRun: counted.length - ran,
    flakeRate: ran ? Math.round((flaky / ran) * 1000) / 1000 : 0,
    failureRate: sampleRate(journeyRan.filter((r) => isFailure(r) || r.flaky).length, journeyRan.length),
    inIncident: counted.filter((r) => r.incident).length,
    verdict: journeyVerdict(results, window),
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
    quarantine: quarantineOf(results, policy),
    drift: newest.drift,
  };
}

/** The results of the newest `window` runs: a run's copies stay together. */
export function inNewestRuns<T extends { runId: string }>(results: readonly T[], window: number): T[] {
  const runs = [...new Set(results.map((r) => r.runId))].slice(-window);
  const kept = new Set(runs);
  return results.filter((r) => kept.has(r.runId));
}

/**
 * A declaration in the newest run wins (it is in the code now), since the first run of the streak
 * that carried one; else the flake-rate replay.
 */
function quarantineOf(results: readonly StoredJourneyResult[], policy: QuarantinePolicy): JourneyStats['quarantine'] {
  const newestRun = results.at(-1)!.runId;
  const declared = results.filter((r) => r.runId === newestRun).find((r) => r.quarantineOwner);
  if (declared) {
    let since = declared;
    for (const r of [...results].reverse()) {
      if (!r.quarantineOwner) break;
      since = r;
    }
    return {
      quarantined: true,
      reason: declared.quarantineReason ?? '',
      since: { runId: since.runId, startedAt: since.runStartedAt },
      owner: declared.quarantineOwner!,
      ...(declared.quarantineUntil ? { until: declared.quarantineUntil } : {}),
    };
  }
  const verdict: QuarantineVerdict = replayQuarantine(results, policy);
  return verdict.quarantined ? { ...verdict, owner: AUTOMATIC_QUARANTINE_OWNER } : verdict;
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
