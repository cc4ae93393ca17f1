import { readFileSync } from 'node:fs';

let cachedRunPrefix: string | undefined;

/**
 * Every correlation id of one run starts with this prefix, which is how a consistency rule is scoped
 * to "the whole run" on a stack reused across runs. Built from the runner process (pid and, on Linux,
 * its start time, so a recycled pid does not match an older run); workers inherit it from the runner.
 */
export function runPrefix(): string {
  if (cachedRunPrefix) return cachedRunPrefix;
  const pid = Number(process.env.JOURNEYS_OWNER_PID ?? process.pid);
  const started = processStartTime(pid);
  cachedRunPrefix = `cj${pid.toString(36)}${started === undefined ? '' : started.toString(36)}`;
  return cachedRunPrefix;
}

/**
 * When a process started, in clock ticks since boot (Linux: field 22 of /proc/<pid>/stat, after the
 * parenthesised command name); undefined where there is no /proc. With the pid it names a process
 * for good: a recycled pid has another start time.
 */
export function processStartTime(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
  } catch {
    return undefined;
  }
}
