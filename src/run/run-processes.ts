import { readdirSync, readFileSync } from 'node:fs';
import { VARIABLES } from './environment.ts';

/**
 * The processes of a run, found by the marker every one of them inherits (`JOURNEYS_RUN=<run key>`,
 * see run-identity.ts): Playwright workers, `docker compose up`/`build` and their plugins, prepare
 * commands. When the run's owner has died they are orphans that would go on creating containers
 * after a sweep, so the watchdog stops them first. Linux only (/proc); elsewhere nothing is found.
 */
export function runProcesses(runKey: string, exclude: readonly number[] = [process.pid]): number[] {
  const marker = Buffer.from(`\0${VARIABLES.run.name}=${runKey}\0`);
  const found: number[] = [];
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return found;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (exclude.includes(pid)) continue;
    try {
      // A leading NUL makes the first variable match like the others.
      const environ = Buffer.concat([Buffer.from([0]), readFileSync(`/proc/${pid}/environ`), Buffer.from([0])]);
      if (environ.includes(marker)) found.push(pid);
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return found;
}

/** SIGKILLs every process of the run; returns how many there were. */
export function killRunProcesses(runKey: string, exclude?: readonly number[]): number[] {
  const pids = runProcesses(runKey, exclude);
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  return pids;
}
