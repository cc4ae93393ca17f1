import { type ContainerState, describeState } from '../engine/container-state.ts';
import type { Engine } from '../engine/engine.ts';

const HEARTBEAT_MS = 10_000;

/**
 * Prints one line per change, and at least one every 10 s, with every service's state and health,
 * so a slow start in CI shows where it is stuck rather than a silent minute.
 */
export function watchProgress(
  engine: Engine,
  projectName: string,
  log: (line: string) => void,
  pollMs = 1_000,
): { stop(): Promise<void> } {
  const started = Date.now();
  let lastLine = '';
  let lastPrinted = 0;
  let stopped = false;
  const tick = async () => {
    const containers = await engine.glanceContainers(projectName).catch(() => [] as ContainerState[]);
    if (stopped || containers.length === 0) return;
    const line = containers.map((container) => `${container.service} ${describeState(container)}`).join(' · ');
    const now = Date.now();
    if (line !== lastLine || now - lastPrinted >= HEARTBEAT_MS) {
      log(`${Math.round((now - started) / 1000)}s ${line}`);
      lastLine = line;
      lastPrinted = now;
    }
  };
  let running = Promise.resolve();
  const timer = setInterval(() => {
    running = running.then(tick);
  }, pollMs);
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
