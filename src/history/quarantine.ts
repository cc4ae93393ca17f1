import { z } from 'zod';
import type { StoredJourneyResult } from './run-record.ts';
import type { HistoryStore } from './store/history-store.ts';

/** The flake-rate quarantine; the one users declare (owner, expiry, reason) is manual-quarantine.ts. */

export const quarantinePolicySchema = z
  .object({
    /** How many of the journey's latest runs the flake rate looks at. */
    window: z.number().int().min(1).default(10),
    /** Flaky runs ÷ window at which the journey is quarantined. */
    flakeRate: z.number().gt(0).max(1).default(0.2),
    /** Clean runs in a row (passed first time) after which it leaves quarantine. */
    releaseAfter: z.number().int().min(1).default(5),
    /**
     * At most this many journeys quarantined in one run (declared and by flake rate together);
     * more fail the run, naming them. A cap keeps quarantine from hiding the suite. No cap by default.
     */
    max: z.number().int().min(0).optional(),
  })
  .strict();
export type QuarantinePolicy = z.infer<typeof quarantinePolicySchema>;
export const DEFAULT_QUARANTINE_POLICY: QuarantinePolicy = quarantinePolicySchema.parse({});

/** Who owns a quarantine the flake rate imposed: nobody said they would fix it (history and summaries show this). */
export const AUTOMATIC_QUARANTINE_OWNER = 'unowned (automatic)';

/** How far back (runs) the quarantine state is replayed: far more than any sensible window. */
export const QUARANTINE_REPLAY_RUNS = 200;

export interface QuarantineVerdict {
  quarantined: boolean;
  /** Why, in words for the summary and the report: `flaky in 2 of its last 10 runs (0.20 ≥ 0.2)`. */
  reason: string;
  /** The run after which it entered (or last left) quarantine. */
  since?: { runId: string; startedAt: string };
}

type Outcome = Pick<StoredJourneyResult, 'status' | 'flaky' | 'runId' | 'runStartedAt' | 'incident'>;

/**
 * One outcome per run: the quarantine's window and clean streak count runs, not the copies
 * `--repeat-each` (or several projects) made of the journey in one run. A run whose copies both
 * passed and failed is a flaky run (same inputs, different outcomes); it failed only when every
 * copy that ran failed. Results that failed in an incident (a service died) say nothing about the
 * journey and count for nothing.
 */
export function outcomesPerRun(results: readonly Outcome[]): Outcome[] {
  const byRun = new Map<string, Outcome[]>();
  for (const result of results) {
    if (result.incident) continue;
    byRun.set(result.runId, [...(byRun.get(result.runId) ?? []), result]);
  }
  return [...byRun.values()].map((copies) => {
    if (copies.length === 1) return copies[0]!;
    const ran = copies.filter((c) => c.status === 'passed' || c.status === 'failed' || c.status === 'timedOut');
    const passed = ran.filter((c) => c.status === 'passed');
    const first = copies[0]!;
    if (ran.length === 0) return first;
    if (passed.length === 0) return { ...first, status: ran[0]!.status, flaky: false };
    return { ...first, status: 'passed', flaky: passed.length < ran.length || passed.some((c) => c.flaky) };
  });
}

/**
 * A journey's quarantine state after its results (oldest first), replayed run by run so that
 * entering and leaving have hysteresis: it enters when the flaky runs in its last `window` runs
 * reach `flakeRate × window` (the denominator is the window, not the runs so far: one early flake
 * does not quarantine a new journey), and leaves after `releaseAfter` clean runs in a row; the
 * flakes that put it there then no longer count, or it would re-enter at once.
 * Runs in which it did not run (skipped, not run, interrupted) count for nothing; the copies of
 * one run are one run (outcomesPerRun).
 */
export function replayQuarantine(
  results: readonly Outcome[],
  policy: QuarantinePolicy = DEFAULT_QUARANTINE_POLICY,
): QuarantineVerdict {
  const ran = outcomesPerRun(results).filter(
    (r) => r.status === 'passed' || r.status === 'failed' || r.status === 'timedOut',
  );
  const flakeText = (end: number) => {
    const window = ran.slice(Math.max(countFrom, end - policy.window), end);
    const flaky = window.filter((r) => r.flaky).length;
    const rate = flaky / policy.window;
    const reached = rate >= policy.flakeRate - 1e-9;
    return {
      reached,
      text: `flaky in ${flaky} of its last ${window.length} runs (${rate.toFixed(2)} ${reached ? '≥' : '<'} ${policy.flakeRate} over a window of ${policy.window})`,
    };
  };
  let quarantined = false;
  let entered = '';
  let released = '';
  let since: QuarantineVerdict['since'];
  let countFrom = 0;
  let cleanRuns = 0;
  ran.forEach((result, index) => {
    if (!quarantined) {
      const { reached, text } = flakeText(index + 1);
      if (!reached) return;
      quarantined = true;
      entered = text;
      since = { runId: result.runId, startedAt: result.runStartedAt };
      cleanRuns = 0;
      return;
    }
    cleanRuns = result.status === 'passed' && !result.flaky ? cleanRuns + 1 : 0;
    if (cleanRuns < policy.releaseAfter) return;
    quarantined = false;
    countFrom = index + 1;
    since = { runId: result.runId, startedAt: result.runStartedAt };
    released = `left quarantine after ${cleanRuns} clean runs in a row`;
  });
  const reason = quarantined
    ? `${entered}; clean runs since: ${cleanRuns} of ${policy.releaseAfter} to leave`
    : released && countFrom === ran.length
      ? released
      : `${released ? `${released}; since then ` : ''}${ran.length ? flakeText(ran.length).text : 'no runs yet'}`;
  return { quarantined, reason, ...(since ? { since } : {}) };
}

/** Quarantine verdicts for every journey in the results. */
export function quarantineVerdicts(
  results: readonly StoredJourneyResult[],
  policy: QuarantinePolicy,
): Map<string, QuarantineVerdict> {
  const byJourney = new Map<string, StoredJourneyResult[]>();
  for (const result of results) byJourney.set(result.journeyId, [...(byJourney.get(result.journeyId) ?? []), result]);
  return new Map([...byJourney].map(([journeyId, own]) => [journeyId, replayQuarantine(own, policy)]));
}

/**
 * For a worker fixture at test start: is this journey quarantined for this run? (The fixture
 * annotates it so the HTML report shows it; the reporter makes the same decision for the run.)
 */
export async function quarantineVerdict(
  store: HistoryStore,
  journeyId: string,
  policy: Partial<QuarantinePolicy> = {},
): Promise<QuarantineVerdict> {
  const results = await store.journeyResults({ perJourney: QUARANTINE_REPLAY_RUNS, journeyId });
  return replayQuarantine(results, quarantinePolicySchema.parse(policy));
}
