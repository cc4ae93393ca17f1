import { z } from 'zod';
import { incidentRefSchema, type StoredJourneyResult } from './run-record.ts';

const runRef = z.object({ runId: z.string(), startedAt: z.string(), gitSha: z.string().optional() });

/**
 * What a journey's history says it is, so the failures you can act on are told apart:
 * - `flaky`: the same inputs gave different outcomes: it passed on a retry, or copies of one run
 *   (`--repeat-each`), or runs at the same git sha, both passed and failed. A pass at one sha and a
 *   failure at another is a change, not a flake.
 * - `broken`: it failed in every run since `brokenSince`, and passed before it.
 * - `failing`: it failed in every run recorded (it never passed: since when is unknown).
 * - `passing`: it passes now, and nothing above was seen; `notRun`: it never ran.
 * Results that failed in an incident (a service died, restarted, was OOM-killed, turned unhealthy)
 * are listed apart and count neither as flakes nor as breakage: the journey did not fail, the stack did.
 * Precedence: broken (or failing) over flaky: what is wrong now comes first.
 */
export const journeyVerdictSchema = z.object({
  kind: z.enum(['flaky', 'broken', 'failing', 'passing', 'notRun']),
  /** Why it is flaky (also for a broken journey that was flaky before it broke): one line per kind of evidence. */
  flakyEvidence: z.array(z.string()),
  /** The first run of the streak in which every copy that ran failed (incidents aside), and how many runs. */
  brokenSince: runRef.extend({ runs: z.number(), passedBefore: z.boolean() }).optional(),
  /** Results that failed in an incident, oldest first. */
  incidents: z.array(runRef.extend({ incident: incidentRefSchema })),
});
export type JourneyVerdict = z.infer<typeof journeyVerdictSchema>;

type Result = Pick<
  StoredJourneyResult,
  'runId' | 'runStartedAt' | 'gitSha' | 'project' | 'status' | 'flaky' | 'incident'
>;

const ran = (r: Result) => r.status === 'passed' || r.status === 'failed' || r.status === 'timedOut';
const failed = (r: Result) => r.status === 'failed' || r.status === 'timedOut';
const refOf = (r: Result) => ({ runId: r.runId, startedAt: r.runStartedAt, ...(r.gitSha ? { gitSha: r.gitSha } : {}) });

/**
 * `results`: the journey's results, oldest first, every copy and project. The breakage streak may
 * reach back over all of them; flakiness is judged on the newest `window` runs.
 */
export function journeyVerdict(results: readonly Result[], window: number): JourneyVerdict {
  const incidents = results.filter((r) => r.incident).map((r) => ({ ...refOf(r), incident: r.incident! }));
  const samples = results.filter((r) => !r.incident && ran(r));
  const runs = groupByRun(samples);

  // Newest first: runs in which every copy that ran failed.
  let streak = 0;
  while (streak < runs.length && runs[runs.length - 1 - streak]!.every(failed)) streak += 1;
  const streakStart = streak ? runs[runs.length - streak]![0]! : undefined;
  const brokenSince = streakStart
    ? { ...refOf(streakStart), runs: streak, passedBefore: streak < runs.length }
    : undefined;

  // Flakiness in the window, before the streak (the breakage explains the streak's failures).
  const windowRuns = new Set(
    groupByRun(results)
      .slice(-window)
      .map((copies) => copies[0]!.runId),
  );
  const considered = runs
    .slice(0, runs.length - streak)
    .flat()
    .filter((r) => windowRuns.has(r.runId));
  const flakyEvidence: string[] = [];
  const retried = considered.filter((r) => r.flaky).length;
  if (retried) flakyEvidence.push(`passed on a retry in ${retried} of ${considered.length} samples`);
  const byInputs = new Map<string, Result[]>();
  for (const r of considered) {
    const key = `${r.project}\0${r.gitSha ?? ''}`;
    byInputs.set(key, [...(byInputs.get(key) ?? []), r]);
  }
  for (const same of byInputs.values()) {
    const failures = same.filter(failed).length;
    if (failures === 0 || failures === same.length) continue;
    const { project, gitSha } = same[0]!;
    const inputs = `${gitSha ? `sha ${gitSha.slice(0, 7)}` : 'no recorded sha'}${project ? `, project ${project}` : ''}`;
    const runsOf = new Set(same.map((r) => r.runId)).size;
    flakyEvidence.push(
      `failed ${failures} of ${same.length} samples at the same inputs (${inputs}; ${runsOf} run${runsOf === 1 ? '' : 's'})`,
    );
  }

  const kind: JourneyVerdict['kind'] = brokenSince
    ? brokenSince.passedBefore
      ? 'broken'
      : 'failing'
    : flakyEvidence.length
      ? 'flaky'
      : samples.length
        ? 'passing'
        : 'notRun';
  return { kind, flakyEvidence, ...(brokenSince ? { brokenSince } : {}), incidents };
}

/** Results grouped by run, in order (the copies and projects of one run are adjacent or not: both work). */
function groupByRun<T extends Result>(results: readonly T[]): T[][] {
  const byRun = new Map<string, T[]>();
  for (const r of results) byRun.set(r.runId, [...(byRun.get(r.runId) ?? []), r]);
  return [...byRun.values()];
}
