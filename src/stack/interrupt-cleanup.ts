import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Ctrl-C or SIGTERM at any phase (building, starting, waiting, running journeys) must still remove
 * what we started. Each live stack registers its teardown here; the first signal runs them all, then
 * exits with the conventional 128+signal code. A second Ctrl-C exits at once.
 */
type Cleanup = () => Promise<void>;

const cleanups = new Map<string, Cleanup>();
const controllers = new Set<AbortController>();
/** Child processes told to stop: removal waits for them, or Compose could create a container after our sweep. */
const stopping = new Set<Promise<unknown>>();
const CHILD_EXIT_WAIT_MS = 10_000;
let installed = false;
let interrupted = false;

export function onInterrupt(key: string, cleanup: Cleanup): () => void {
  install();
  cleanups.set(key, cleanup);
  return () => cleanups.delete(key);
}

/**
 * An AbortSignal that fires on Ctrl-C: long child processes (`compose up`) stop at once. `track` hands
 * over the child's promise, so the removal starts only once it has exited (or 10 s passed).
 */
export function interruptSignal(): { signal: AbortSignal; release(): void; track<T>(child: Promise<T>): Promise<T> } {
  install();
  const controller = new AbortController();
  controllers.add(controller);
  return {
    signal: controller.signal,
    release: () => controllers.delete(controller),
    track: (child) => {
      const settled = child.then(
        () => undefined,
        () => undefined,
      );
      stopping.add(settled);
      void settled.then(() => stopping.delete(settled));
      return child;
    },
  };
}

export function wasInterrupted(): boolean {
  return interrupted;
}

function install(): void {
  if (installed) return;
  installed = true;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (interrupted) process.exit(130);
      interrupted = true;
      process.stderr.write(`\n[journeys] ${signal}: removing what this run started...\n`);
      for (const controller of controllers) controller.abort();
      const exited = Promise.race([Promise.all([...stopping]), sleep(CHILD_EXIT_WAIT_MS, undefined, { ref: false })]);
      const all = exited.then(() =>
        Promise.all(
          [...cleanups.values()].map((cleanup) =>
            cleanup().catch((error: unknown) => process.stderr.write(`[journeys] cleanup failed: ${String(error)}\n`)),
          ),
        ),
      );
      void all.finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
    });
  }
}
