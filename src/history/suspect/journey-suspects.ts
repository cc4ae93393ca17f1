import { commitsBetween } from '../fingerprint/git-source.ts';
import type { Commit } from '../fingerprint/run-fingerprint.ts';
import type { StoredJourneyResult, StoredRun } from '../run-record.ts';
import type { HistoryStore } from '../store/history-store.ts';
import { type ComparedRun, rankSuspects, type Suspect } from './rank-suspects.ts';

/** How far back the last passing run is looked for. */
const LOOK_BACK_RUNS = 200;

const FAILED: ReadonlySet<string> = new Set(['failed', 'timedOut']);

/**
 * The suspects of a journey failing now: its last passing run against the run it first failed in
 * since (this run, when it passed last time). Nothing when it never passed: there is nothing to
 * compare with, and "broken from the start" is not a regression.
 */
export async function journeySuspects(
  store: HistoryStore,
  options: {
    journeyId: string;
    current: ComparedRun;
    journeyServices: readonly string[];
    drift: readonly string[];
    /** Where git is asked for the commits between the two runs. */
    cwd: string;
  },
): Promise<Suspect[]> {
  const results = await store.journeyResults({ perJourney: LOOK_BACK_RUNS, journeyId: options.journeyId });
  const lastPass = results.map((result) => result.status).lastIndexOf('passed');
  if (lastPass < 0) return [];
  const firstFailure = results.slice(lastPass + 1).find((result) => FAILED.has(result.status));
  const runs = await runsById(store, [results[lastPass]!, ...(firstFailure ? [firstFailure] : [])]);
  const passed = compared(results[lastPass]!, runs);
  const failed = firstFailure ? compared(firstFailure, runs) : options.current;
  const from = passed.fingerprint?.gitSha;
  const to = failed.fingerprint?.gitSha;
  const [commits, byService] = await Promise.all([
    from && to ? commitsBetween(options.cwd, from, to) : undefined,
    contextCommits(passed, failed),
  ]);
  return rankSuspects({
    passed,
    failed,
    contextCommits: byService,
    journeyServices: options.journeyServices,
    drift: options.drift,
    ...(commits ? { commits } : {}),
  });
}

async function runsById(store: HistoryStore, wanted: readonly StoredJourneyResult[]): Promise<Map<string, StoredRun>> {
  const ids = new Set(wanted.map((result) => result.runId));
  const runs = await store.recentRuns(LOOK_BACK_RUNS * 4);
  return new Map(runs.filter((run) => ids.has(run.runId)).map((run) => [run.runId, run]));
}

function compared(result: StoredJourneyResult, runs: Map<string, StoredRun>): ComparedRun {
  const run = runs.get(result.runId);
  return {
    runId: result.runId,
    startedAt: result.runStartedAt,
    ...(run?.fingerprint ? { fingerprint: run.fingerprint } : {}),
    ...(run?.fingerprintProblem ? { fingerprintProblem: run.fingerprintProblem } : {}),
  };
}

/**
 * For each built service whose source changed: the commits between the two runs' heads that touched
 * its build context, asked in the repository it was built from (it need not be the tests' own).
 */
async function contextCommits(passed: ComparedRun, failed: ComparedRun): Promise<Record<string, Commit[]>> {
  const found: Record<string, Commit[]> = {};
  for (const [service, now] of Object.entries(failed.fingerprint?.services ?? {})) {
    const before = passed.fingerprint?.services[service]?.build;
    const build = now.build;
    if (!build?.head || !build.repository || !before?.head || before.tree === build.tree) continue;
    const commits = await commitsBetween(build.repository, before.head, build.head);
    if (commits)
      found[service] = commits.filter((commit) =>
        commit.files.some(
          (file) => build.context === '.' || file === build.context || file.startsWith(`${build.context}/`),
        ),
      );
  }
  return found;
}
