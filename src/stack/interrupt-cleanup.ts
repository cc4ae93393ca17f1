/**
 * Ctrl-C or SIGTERM at any phase (building, starting, waiting, running journeys) must still remove
 * what we started. Each live stack registers its teardown here; the first signal runs them all, then
 * exits with the conventional 128+signal code. A second Ctrl-C exits at once.
 */
type Cleanup = () => Promise<void>;

const cleanups = new Map<string, Cleanup>();
const controllers = new Set<AbortController>();
let installed = false;
let interrupted = false;

export function onInterrupt(key: string, cleanup: Cleanup): () => void {
  install();
  cleanups.set(key, cleanup);
  return () => cleanups.delete(key);
}

/** An AbortSignal that fires on Ctrl-C: long child processes (`compose up`) stop at once. */
export function interruptSignal(): { signal: AbortSignal; release(): void } {
  install();
  const controller = new AbortController();
  controllers.add(controller);
  return { signal: controller.signal, release: () => controllers.delete(controller) };
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
      const all = [...cleanups.values()].map((cleanup) =>
        cleanup().catch((error: unknown) => process.stderr.write(`[journeys] cleanup failed: ${String(error)}\n`)),
      );
      void Promise.all(all).finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
    });
  }
}
