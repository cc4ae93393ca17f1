import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { outsideTheRun } from './environment.ts';
import { processStartTime, type RunOwner, runKey } from './run-identity.ts';
import { stateFile, stateRoot } from './state-files.ts';

/**
 * Cleanup that does not depend on the process that dies.
 *
 * Playwright tears its workers down on SIGINT/SIGTERM (and a SIGKILL takes the runner with no say),
 * so neither the setup worker nor the runner can be trusted to remove a stack. Each stack we start
 * gets a watchdog: a small detached process (its own session, so a signal to the run's process
 * group does not reach it) that polls the owner's pid + start time (5 times a second, one read of
 * /proc/<pid>/stat). When the owner is gone and the stack was not handed over (`kept`), it
 *   1. SIGKILLs every process still carrying the run's marker (JOURNEYS_RUN=<run key>): orphaned
 *      `docker compose up`/`build`, prepare commands, and workers Playwright left running, which
 *      would otherwise go on creating containers after the sweep;
 *   2. removes the project's containers, networks and volumes that carry the run's label;
 *   3. repeats 1–2 until two rounds in a row find nothing, then deletes the state directory.
 * It exits without doing anything once the stack is removed normally (run.json gone), kept
 * (`journeys up`, JOURNEYS_REUSE=1, JOURNEYS_KEEP=1), or taken over by another run.
 *
 * Why not a Ryuk-like container: it needs an image with a Docker client (no registry here), it sees
 * no host processes (so it cannot stop orphaned compose clients), and its connection would have to
 * be held by the runner itself, i.e. opened at config load in every worker and `--list`.
 */
export interface RunRecord {
  projectName: string;
  /** The owner's run key (run-identity.ts). */
  run: string;
  user: string;
  startedAt: string;
  watchdog?: { pid: number; started: number };
}

export function writeRunRecord(record: RunRecord): void {
  const file = stateFile(record.projectName, 'run');
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(`${file}.tmp`, JSON.stringify(record, null, 2));
  renameSync(`${file}.tmp`, file);
}

/** The run record, undefined when there is none; throws (naming the file) when it is not one. */
export function readRunRecord(projectName: string): RunRecord | undefined {
  const file = stateFile(projectName, 'run');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`cannot read ${file}: ${(error as Error).message}`);
  }
  let record: Partial<RunRecord>;
  try {
    record = JSON.parse(text) as Partial<RunRecord>;
  } catch (error) {
    throw new Error(`${file} is not JSON: ${(error as Error).message}`);
  }
  if (
    typeof record !== 'object' ||
    record === null ||
    typeof record.projectName !== 'string' ||
    typeof record.run !== 'string'
  ) {
    throw new Error(`${file} is not a run record (expected projectName and run)`);
  }
  return record as RunRecord;
}

/**
 * Records the run as the stack's owner and starts its watchdog. Costs a fork/exec (the watchdog's
 * Node start happens beside the stack's start, not before it).
 */
export function guardStack(projectName: string, owner: RunOwner): RunRecord {
  const record: RunRecord = { projectName, run: runKey(owner), user: userName(), startedAt: new Date().toISOString() };
  writeRunRecord(record);
  const here = import.meta.url;
  const fromSource = here.endsWith('.ts');
  const script = fileURLToPath(new URL(`./watchdog-main.${fromSource ? 'ts' : 'js'}`, here));
  const loader = fromSource ? ['--import', tsxLoader()] : [];
  // Not part of the run: it must not find itself among the run's processes, nor die with its group.
  const child = spawn(process.execPath, [...loader, script, projectName, record.run], {
    detached: true,
    stdio: 'ignore',
    env: outsideTheRun(stateRoot()),
  });
  child.unref();
  if (child.pid !== undefined) {
    record.watchdog = { pid: child.pid, started: processStartTime(child.pid) ?? 0 };
    writeRunRecord(record);
  }
  return record;
}

function tsxLoader(): string {
  try {
    return import.meta.resolve('tsx');
  } catch {
    return 'tsx';
  }
}

export function userName(): string {
  try {
    return os.userInfo().username;
  } catch {
    return String(process.getuid?.() ?? '?');
  }
}
