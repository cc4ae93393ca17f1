import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { currentEngine } from '../engine/current-engine.ts';
import type { Engine } from '../engine/engine.ts';
import { LABEL, REUSABLE_OWNER } from '../engine/labels.ts';
import { JourneysError } from '../errors.ts';
import {
  legacyOwnerStatus,
  type OwnerStatus,
  ownerStatus,
  parseRunKey,
  type RunOwner,
  thisMachine,
} from '../run/run-identity.ts';
import { projectStateDir, stateFile, stateRoot } from '../run/state-files.ts';
import { readRunRecord } from '../run/watchdog.ts';
import { removeProject } from './teardown.ts';

export interface ManagedProject {
  projectName: string;
  /** The `owner` label as written (`host:pid`, or `reusable`). */
  owner: string | undefined;
  /** Who started it, in full (undefined for stacks of older releases). */
  startedBy: RunOwner | undefined;
  user: string | undefined;
  kept: boolean;
  reusable: boolean;
  status: OwnerStatus;
  /** Started by this login on this machine (what `reap --all` may remove). */
  mine: boolean;
  /** When its newest container was created (undefined: none left, only networks or volumes). */
  createdAt?: Date;
}

/** Every Compose project carrying our label, from its containers, networks or volumes. */
export async function listManagedProjects(engine: Engine = currentEngine()): Promise<ManagedProject[]> {
  // Both labels: containers inherit labels from their image, so `managed` alone could come from one.
  const resources = await engine.labelledResources(
    [`${LABEL.managed}=true`, LABEL.owner],
    [LABEL.project, LABEL.owner, LABEL.run, LABEL.user, LABEL.keep],
  );
  const projects = new Map<string, ManagedProject>();
  const here = thisMachine();
  for (const { labels, createdAt } of resources) {
    const projectName = labels[LABEL.project];
    const owner = labels[LABEL.owner];
    const known = projectName ? projects.get(projectName) : undefined;
    if (known && createdAt && (!known.createdAt || createdAt > known.createdAt)) known.createdAt = createdAt;
    if (!projectName || known) continue;
    const startedBy = parseRunKey(labels[LABEL.run]);
    const reusable = owner === REUSABLE_OWNER;
    const status: OwnerStatus = startedBy
      ? ownerStatus(startedBy)
      : owner && !reusable
        ? legacyOwnerStatus(owner)
        : { state: 'unknown', why: 'no owner recorded' };
    projects.set(projectName, {
      projectName,
      owner: owner || undefined,
      startedBy,
      user: labels[LABEL.user] || undefined,
      kept: !!labels[LABEL.keep],
      reusable,
      status,
      mine: startedBy ? startedBy.host === here.host && startedBy.uid === here.uid : false,
      ...(createdAt && { createdAt }),
    });
  }
  return [...projects.values()];
}

export type ReapScope = 'dead' | 'all' | 'other-owners';

export interface ReapResult {
  removed: ManagedProject[];
  /** Left alone, with why: for the CLI to say what `--all` did not touch. */
  left: { project: ManagedProject; why: string }[];
}

/**
 * Which stacks go:
 * - `dead` (default; what every `up` runs): stacks whose owner is PROVABLY gone (same machine, boot
 *   and pid namespace; the pid free or now another process) and that nobody kept.
 * - `all`: every stack this login started on this machine whose owner is not running, kept and
 *   reusable ones included. A live run's stack is never removed.
 * - `other-owners`: also stacks of other users and machines, whose owner cannot be checked
 *   (still never one whose owner is provably alive).
 * The state directory decides "kept": when it cannot be read, or holds what we did not write,
 * nothing is removed (a JourneysError names the file).
 */
export async function reap({
  scope = 'dead' as ReapScope,
  only,
  minAgeMs,
  engine = currentEngine(),
}: {
  scope?: ReapScope;
  engine?: Engine;
  only?: readonly string[];
  /**
   * Leave stacks whose newest container is younger than this (a start's own reap: a stack created
   * seconds ago may still be starting under an owner we misjudge; the next reap, or its watchdog, takes
   * it if it really is dead). `journeys reap` takes every dead stack at once.
   */
  minAgeMs?: number;
} = {}): Promise<ReapResult> {
  const projects = (await listManagedProjects(engine)).filter((project) => !only || only.includes(project.projectName));
  const candidates = projects.filter((project) => project.status.state !== 'alive');
  checkStateDirectory(candidates.map((project) => project.projectName));
  for (const project of candidates) project.kept ||= keptMarker(project.projectName);
  const removed: ManagedProject[] = [];
  const left: ReapResult['left'] = [];
  const now = Date.now();
  for (const project of projects) {
    const why = reapDecision(project, scope, minAgeMs === undefined ? undefined : { minAgeMs, now });
    if (why) left.push({ project, why });
    else removed.push(project);
  }
  await Promise.all(removed.map((project) => removeProject(engine, project.projectName)));
  return { removed, left };
}

/** Why a stack stays (undefined: it goes). Pure: the rules above, on what `listManagedProjects` found. */
export function reapDecision(
  project: Pick<ManagedProject, 'status' | 'mine' | 'reusable' | 'kept' | 'owner' | 'startedBy' | 'user' | 'createdAt'>,
  scope: ReapScope,
  age?: { minAgeMs: number; now: number },
): string | undefined {
  if (project.status.state === 'alive') return 'its run is alive';
  if (age && project.createdAt && age.now - project.createdAt.getTime() < age.minAgeMs)
    return `created ${Math.round((age.now - project.createdAt.getTime()) / 1000)} s ago: left for a later reap`;
  if (scope === 'other-owners') return undefined;
  const otherOwner = !project.mine && project.status.state === 'unknown';
  if (otherOwner) return `another owner (${describeOwner(project)}): ${project.status.why}`;
  if (scope === 'all') return undefined;
  if (project.reusable) return 'reusable (JOURNEYS_REUSE=1): `reap --all` or `journeys down` removes it';
  if (project.kept) return 'kept on purpose (journeys up, JOURNEYS_KEEP): `reap --all` or `journeys down` removes it';
  if (project.status.state === 'unknown') return `its owner cannot be checked: ${project.status.why}`;
  return undefined;
}

export function describeOwner(project: Pick<ManagedProject, 'owner' | 'startedBy' | 'user'>): string {
  const by = project.startedBy;
  if (!by) return project.owner ?? 'unknown';
  return `${project.user ?? `uid ${by.uid}`}@${by.host} pid ${by.pid}`;
}

/**
 * No stack is removed on a guess: the state root must be a readable directory, each candidate's
 * entry a directory, its run record JSON we wrote, its `kept` marker a file.
 */
function checkStateDirectory(projectNames: string[]): void {
  const root = stateRoot();
  const fail = (file: string, problem: string): never => {
    throw new JourneysError(
      'STATE_INVALID',
      `The state directory cannot be trusted: ${file} ${problem}. Nothing was removed.`,
      `Reap decides from ${root} which stacks were kept on purpose; it does not guess.\nFix: look at ${file} (JOURNEYS_STATE_DIR points elsewhere?), repair or delete it, then run reap again.`,
    );
  };
  try {
    const stat = lstatSync(root);
    if (!stat.isDirectory()) fail(root, 'is not a directory');
    readdirSync(root);
  } catch (error) {
    if (error instanceof JourneysError) throw error;
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    fail(root, `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  for (const projectName of projectNames) {
    const dir = projectStateDir(projectName);
    const dirStat = lstatSync(dir, { throwIfNoEntry: false });
    if (!dirStat) continue;
    if (!dirStat.isDirectory()) fail(dir, 'is not a directory');
    try {
      readdirSync(dir);
    } catch (error) {
      fail(dir, `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
    const kept = stateFile(projectName, 'kept');
    const keptStat = lstatSync(kept, { throwIfNoEntry: false });
    if (keptStat && !keptStat.isFile()) fail(kept, 'is not a file');
    if (keptStat) {
      try {
        readFileSync(kept);
      } catch (error) {
        fail(kept, `cannot be read (${(error as NodeJS.ErrnoException).code})`);
      }
    }
    try {
      readRunRecord(projectName);
    } catch (error) {
      fail(stateFile(projectName, 'run'), `holds garbage (${(error as Error).message.replace(/^.*?: /, '')})`);
    }
  }
}

function keptMarker(projectName: string): boolean {
  return lstatSync(stateFile(projectName, 'kept'), { throwIfNoEntry: false }) !== undefined;
}
