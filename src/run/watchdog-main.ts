// The watchdog process (see watchdog.ts): `node watchdog-main.js <project> <run key>`.
import { appendFileSync, rmSync, statSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { ownerStatus, parseRunKey } from './run-identity.ts';
import { killRunProcesses } from './run-processes.ts';
import { isKept, projectStateDir, watchdogLogFile } from './state-files.ts';
import { readRunRecord } from './watchdog.ts';

const POLL_MS = 200;
const GIVE_UP_MS = 10 * 60_000;

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
  let quietRounds = 0;
  let removedTotal = 0;
  while (quietRounds < 2) {
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
    removedTotal += removed;
    quietRounds = killed.length === 0 && removed === 0 ? quietRounds + 1 : 0;
    if (Date.now() > deadline) {
      log('giving up after 10 minutes; `journeys reap` removes the rest');
      return;
    }
    if (quietRounds < 2) await sleep(quietRounds === 0 ? 300 : 700);
  }
  try {
    if (readRunRecord(projectName!)?.run === run) rmSync(projectStateDir(projectName!), { recursive: true, force: true });
  } catch {}
  log(`clean (${removedTotal} resource(s) removed)`);
}
