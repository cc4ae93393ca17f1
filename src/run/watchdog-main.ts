// The watchdog process (see watchdog.ts): `node watchdog-main.js <project> <run key>`.
import { appendFileSync, rmSync, statSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { ownerStatus, parseRunKey } from './run-identity.ts';
import { killRunProcesses } from './run-processes.ts';
import { isKept, projectStateDir, watchdogLogFile } from './state-files.ts';
import { readRunRecord } from './watchdog.ts';

const POLL_MS = 200;
const GIVE_UP_MS = 10 * 60_000;
/**
 * How long the sweep must find nothing before it ends. A request the dead run's Compose sent just
 * before it died (a container create) can complete seconds later on a busy engine, after a sweep
 * that looked clean: seen in the interrupt trial (one container, created after the network was
 * gone, ~2 s after a clean round). Polling goes through the Engine API: cheap.
 */
const QUIET_MS = 10_000;
const SWEEP_POLL_MS = 500;

const [projectName, run] = process.argv.slice(2);
const owner = parseRunKey(run);
if (!projectName || !run || !owner) {
  log(`bad arguments: ${process.argv.slice(2).join(' ')}`);
  process.exit(2);
}

function log(line: string): void {
  try {
    const file = watchdogLogFile();
    if ((statSync(file, { throwIfNoEntry: false })?.size ?? 0) > 1_000_000) rmSync(file, { force: true });
    appendFileSync(file, `${new Date().toISOString()} [${process.pid}] ${projectName}: ${line}\n`);
  } catch {
    // no log is no reason to stop guarding
  }
}

/** Still ours to guard: not removed normally, not taken over by another run, not kept. */
function stillGuarding(): boolean {
  try {
    const record = readRunRecord(projectName!);
    return record !== undefined && record.run === run && !isKept(projectName!);
  } catch {
    return true; // a torn write: look again next time
  }
}

for (;;) {
  if (!stillGuarding()) process.exit(0);
  const status = ownerStatus(owner);
  if (status.state === 'gone') {
    log(`owner gone (${status.why}): stopping the run's processes, removing what it created`);
    await sweep();
    process.exit(0);
  }
  await sleep(POLL_MS);
}

async function sweep(): Promise<void> {
  // Loaded only now: a watchdog that never fires costs a Node start and nothing more.
  const { removeProjectResources } = await import('../stack/teardown.ts');
  const deadline = Date.now() + GIVE_UP_MS;
  let quietSince = 0;
  let removedTotal = 0;
  while (quietSince === 0 || Date.now() - quietSince < QUIET_MS) {
    if (isKept(projectName!)) {
      log('kept meanwhile: leaving it');
      return;
    }
    const killed = killRunProcesses(run!);
    if (killed.length > 0) log(`killed ${killed.length} process(es) of the run: ${killed.join(' ')}`);
    let removed = 0;
    try {
      removed = await removeProjectResources(projectName!, { run, stateDir: false });
    } catch (error) {
      log(`removal failed, retrying: ${(error as Error).message}`);
      removed = 1;
    }
    if (removed > 0 && removedTotal > 0) log(`${removed} more resource(s) appeared and were removed`);
    removedTotal += removed;
    if (killed.length > 0 || removed > 0) quietSince = 0;
    else if (quietSince === 0) quietSince = Date.now();
    if (Date.now() > deadline) {
      log('giving up after 10 minutes; `journeys reap` removes the rest');
      return;
    }
    await sleep(SWEEP_POLL_MS);
  }
  try {
    if (readRunRecord(projectName!)?.run === run)
      rmSync(projectStateDir(projectName!), { recursive: true, force: true });
  } catch {}
  log(`clean (${removedTotal} resource(s) removed)`);
}
