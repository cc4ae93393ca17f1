// Faults (and stubs for every journey) change a stack every worker shares. The recommended config
// runs fault journeys in a project of their own with `workers: 1` after the parallel ones; this
// catches a config that does not: each journey marks its worker present on the stack while it runs,
// and a fault needs the stack to itself. Both sides write their mark before they look at the other's,
// so two that start together see each other (at least one of them fails, naming the other).
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

interface Mark {
  pid: number;
  test: string;
  what?: string;
  since: string;
}

const JOURNEY = 'journey-';
const EXCLUSIVE = 'exclusive-';

export const FAULTS_README =
  'Run fault journeys in a Playwright project of their own with `workers: 1` that depends on the parallel journeys (docs/faults.md, "Running fault journeys alone").';

function directory(projectName: string): string {
  return path.join(os.tmpdir(), 'compose-journeys-presence', projectName.replace(/[^\w.-]/g, '_'));
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function write(projectName: string, prefix: string, mark: Omit<Mark, 'pid' | 'since'>): void {
  const dir = directory(projectName);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    path.join(dir, `${prefix}${process.pid}`),
    JSON.stringify({ ...mark, pid: process.pid, since: new Date().toISOString() }),
  );
}

function others(projectName: string, prefix: string): Mark[] {
  let names: string[];
  try {
    names = readdirSync(directory(projectName));
  } catch {
    return [];
  }
  return names
    .filter((name) => name.startsWith(prefix) && Number(name.slice(prefix.length)) !== process.pid)
    .flatMap((name) => {
      try {
        return [JSON.parse(readFileSync(path.join(directory(projectName), name), 'utf8')) as Mark];
      } catch {
        return []; // removed meanwhile, or half written: its owner is still starting or already gone
      }
    })
    .filter((mark) => alive(mark.pid));
}

function remove(projectName: string, prefix: string): void {
  rmSync(path.join(directory(projectName), `${prefix}${process.pid}`), { force: true });
}

export class SharedStackError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SharedStackError';
  }
}

/** A journey starts on the stack; fails when another worker holds it for a fault. */
export function enterJourney(projectName: string, test: string): void {
  write(projectName, JOURNEY, { test });
  const holder = others(projectName, EXCLUSIVE)[0];
  if (holder) {
    remove(projectName, JOURNEY);
    throw new SharedStackError(
      `Stack ${projectName} is being faulted by another worker (pid ${holder.pid}, "${holder.test}": ${holder.what}); this journey would run into it. ${FAULTS_README}`,
    );
  }
}

export function leaveJourney(projectName: string): void {
  remove(projectName, JOURNEY);
}

/** Claims held by this worker per stack (the faults and wiremock fixtures of one test may both hold one). */
const held = new Map<string, number>();

/** Before a fault: the stack must be this worker's alone. Release it with `releaseExclusive`. */
export function claimExclusive(projectName: string, test: string, what: string): void {
  if ((held.get(projectName) ?? 0) > 0) {
    held.set(projectName, held.get(projectName)! + 1);
    return;
  }
  write(projectName, EXCLUSIVE, { test, what });
  const running = others(projectName, JOURNEY);
  if (running.length > 0) {
    remove(projectName, EXCLUSIVE);
    throw new SharedStackError(
      `${what} would change stack ${projectName} under journeys other workers are running right now: ${running.map((mark) => `"${mark.test}" (pid ${mark.pid})`).join(', ')}. ${FAULTS_README} ` +
        'Stubs with scope "journey" (the default) need none of this.',
    );
  }
  held.set(projectName, 1);
}

export function releaseExclusive(projectName: string): void {
  const count = (held.get(projectName) ?? 0) - 1;
  held.set(projectName, Math.max(0, count));
  if (count <= 0) remove(projectName, EXCLUSIVE);
}
