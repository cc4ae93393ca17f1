import type { Commit, RunFingerprint, ServiceFingerprint } from '../fingerprint/run-fingerprint.ts';

/** One side of the comparison: the journey's last passing run, or the run it (first) failed in. */
export interface ComparedRun {
  runId: string;
  startedAt: string;
  fingerprint?: RunFingerprint;
  /** Why its fingerprint cannot be used (an older form); absent fingerprint without a problem: none was taken. */
  fingerprintProblem?: string;
}

export interface SuspectInput {
  passed: ComparedRun;
  failed: ComparedRun;
  /** Services in the journey's own timeline and logs: the first suspects. */
  journeyServices: readonly string[];
  /** The journey's drift annotations in the failing run (message and response shapes that changed). */
  drift: readonly string[];
  /** Commits from the passing run's sha to the failing one's, when git can say. */
  commits?: readonly Commit[];
  /** Per service, the commits that touched its build context between the two runs (asked in its own repository). */
  contextCommits?: Readonly<Record<string, readonly Commit[]>>;
}

export interface Suspect {
  /** The `suspect` annotation's description. */
  text: string;
  service?: string;
  score: number;
}

/** The run a worker is part of has no id yet (the reporter gives it one at its end). */
export const THIS_RUN = 'this run';

const MAX_CONFIG_KEYS = 3;
const MAX_COMMITS_SHOWN = 3;

/** `run 1a2b3c4d (2026-12-07 02:00 UTC)`. */
export function shownRun(run: Pick<ComparedRun, 'runId' | 'startedAt'>): string {
  const when = `${run.startedAt.replace('T', ' ').slice(0, 16)} UTC`;
  return run.runId === THIS_RUN ? `this run (${when})` : `run ${run.runId.slice(0, 8)} (${when})`;
}

/**
 * What changed between a journey's last passing run and the run it failed in, most likely first:
 * the services of the journey's own timeline before the rest; within a service a changed source,
 * then image, then config; then drifted shapes, commits outside every build context, the engine.
 * When nothing changed, one entry says so: a failure on the same inputs is a flake signal.
 */
export function rankSuspects(input: SuspectInput): Suspect[] {
  const { passed, failed } = input;
  const between = `between ${shownRun(passed)} (passed) and ${shownRun(failed)} (failed)`;
  if (!passed.fingerprint || !failed.fingerprint) {
    const missing = !passed.fingerprint ? passed : failed;
    const why =
      missing.fingerprintProblem ?? 'it has no fingerprint (recorded without a stack, or by an older compose-journeys)';
    return [{ text: `cannot compare ${between}: ${shownRun(missing)}: ${why}`, score: 0 }];
  }
  const before = passed.fingerprint;
  const after = failed.fingerprint;
  const own = new Set(input.journeyServices);
  const suspects: Suspect[] = [];
  const contexts = new Set<string>();

  for (const service of [...new Set([...Object.keys(before.services), ...Object.keys(after.services)])].sort()) {
    const was = before.services[service];
    const is = after.services[service];
    const weight = own.has(service) ? 100 : 0;
    if (!was || !is) {
      suspects.push({
        service,
        score: weight + 40,
        text: `${service}: ${was ? 'removed from' : 'added to'} the stack ${between}`,
      });
      continue;
    }
    if (is.build) contexts.add(is.build.context);
    const changes = serviceChanges(was, is, input.contextCommits?.[service] ?? input.commits);
    if (changes.length === 0) continue;
    suspects.push({
      service,
      score: weight + Math.max(...changes.map((change) => change.score)),
      text: `${service}: ${changes.map((change) => change.text).join('; ')} ${between}`,
    });
  }

  for (const drift of input.drift) {
    const service = [...own].find((name) => drift.includes(` ${name} `));
    suspects.push({ ...(service ? { service } : {}), score: 25, text: `shape changed: ${drift} ${between}` });
  }

  const inContexts = new Set(Object.values(input.contextCommits ?? {}).flatMap((commits) => commits.map((c) => c.sha)));
  const outside = (input.commits ?? []).filter(
    (commit) =>
      !inContexts.has(commit.sha) &&
      !commit.files.some((file) => [...contexts].some((context) => inFolder(file, context))),
  );
  if (outside.length > 0)
    suspects.push({
      score: 5,
      text: `${plural(outside.length, 'commit')} outside every build context ${between}: ${shownCommits(outside)}`,
    });

  const engineChanges = (['version', 'compose'] as const)
    .filter((key) => before.engine[key] !== after.engine[key])
    .map(
      (key) =>
        `${key === 'version' ? 'Docker engine' : 'Compose'} ${before.engine[key] ?? '?'} → ${after.engine[key] ?? '?'}`,
    );
  if (engineChanges.length > 0) suspects.push({ score: 3, text: `${engineChanges.join(', ')} ${between}` });

  if (suspects.length === 0) {
    const sameCommit = before.gitSha === after.gitSha ? 'commit' : 'build sources';
    return [
      {
        score: 0,
        text: `nothing changed ${between}: same images, build sources, config, engine and ${sameCommit}. A failure on the same inputs is a flake signal, not a regression`,
      },
    ];
  }
  return suspects.sort((a, b) => b.score - a.score);
}

interface Change {
  text: string;
  score: number;
}

function serviceChanges(
  was: ServiceFingerprint,
  is: ServiceFingerprint,
  commits: readonly Commit[] | undefined,
): Change[] {
  const changes: Change[] = [];
  const sourceChanged = was.build && is.build && (was.build.tree !== is.build.tree || is.build.dirty);
  // Layers when both runs have them: a rebuild of the same source gets a new id (Compose labels the project into it).
  const imageChanged =
    was.layers && is.layers ? was.layers !== is.layers : was.imageId !== is.imageId || was.digest !== is.digest;
  if (sourceChanged && is.build) {
    const context = is.build.context;
    const touching = commits?.filter((commit) => commit.files.some((file) => inFolder(file, context)));
    const how = touching?.length
      ? `changed in ${plural(touching.length, 'commit')}: ${shownCommits(touching)}`
      : was.build?.tree !== is.build.tree
        ? `tree ${short(was.build?.tree)} → ${short(is.build.tree)}`
        : 'has uncommitted changes';
    changes.push({
      score: 30,
      text: `${imageChanged ? 'image changed' : 'source changed'} (build context ${context} ${how}${is.build.dirty && touching?.length ? ', and uncommitted changes' : ''})`,
    });
  } else if (imageChanged) {
    changes.push({
      score: 20,
      text: `image changed (${short(was.imageId ?? was.digest)} → ${short(is.imageId ?? is.digest)})`,
    });
  }
  if (was.configHash !== is.configHash) {
    const keys = [...new Set([...Object.keys(was.config), ...Object.keys(is.config)])]
      .filter((key) => was.config[key] !== is.config[key])
      .sort();
    const shown = keys
      .slice(0, MAX_CONFIG_KEYS)
      .map((key) => `${key} ${was.config[key] ?? '(none)'} → ${is.config[key] ?? '(none)'}`);
    changes.push({
      score: 15,
      text: `config changed (${keys.length ? shown.join(', ') : 'a value redacted as secret'}${keys.length > MAX_CONFIG_KEYS ? `, and ${keys.length - MAX_CONFIG_KEYS} more` : ''})`,
    });
  }
  return changes;
}

function inFolder(file: string, folder: string): boolean {
  return folder === '.' || file === folder || file.startsWith(`${folder}/`);
}

function shownCommits(commits: readonly Commit[]): string {
  const shown = commits.slice(0, MAX_COMMITS_SHOWN).map((commit) => `${commit.sha.slice(0, 7)} ${commit.subject}`);
  return `${shown.join(', ')}${commits.length > MAX_COMMITS_SHOWN ? ', …' : ''}`;
}

function short(id: string | undefined): string {
  return id ? id.replace(/^sha256:/, '').slice(0, 12) : '(none)';
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}
