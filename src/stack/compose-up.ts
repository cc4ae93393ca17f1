import { setTimeout as sleep } from 'node:timers/promises';
import type { ComposeTarget } from '../engine/compose.ts';
import type { ContainerState } from '../engine/container-state.ts';
import type { Engine } from '../engine/engine.ts';
import { JourneysError } from '../errors.ts';
import { diagnoseStartFailure } from './diagnosis.ts';
import { interruptSignal } from './interrupt-cleanup.ts';
import { watchProgress } from './progress.ts';
import { allReady, judgeReadiness } from './readiness.ts';
import type { ResolvedConfig } from './resolved-config.ts';

/** How long after the wait timeout we give Compose to report before we stop it ourselves. */
const GRACE_MS = 2_000;

/**
 * `docker compose up --detach --wait`, then our own readiness judgement: Compose gives up waiting
 * as soon as an unawaited one-shot exits 0, so when it returns early we keep watching the rest
 * until the same deadline. Returns the containers once every service is ready or completed.
 */
export async function composeUp(
  engine: Engine,
  target: ComposeTarget,
  config: ResolvedConfig,
  waitTimeoutSeconds: number,
  log: (line: string) => void,
): Promise<ContainerState[]> {
  const deadline = Date.now() + waitTimeoutSeconds * 1000 + GRACE_MS;
  const interrupt = interruptSignal();
  const overdue = AbortSignal.timeout(waitTimeoutSeconds * 1000 + GRACE_MS);
  const progress = watchProgress(engine, target.projectName, log);
  let composeOutput = '';
  try {
    const result = await interrupt.track(
      engine.compose(
        target,
        ['up', '--detach', '--wait', '--wait-timeout', String(waitTimeoutSeconds), '--no-build', '--remove-orphans'],
        { signal: AbortSignal.any([interrupt.signal, overdue]) },
      ),
    );
    composeOutput = `${result.stdout}${result.stderr}`;
    if (interrupt.signal.aborted)
      throw new JourneysError('STACK_STARTUP', `Start of ${target.projectName} interrupted.`);
    for (;;) {
      // One `docker ps` while all is well; the full inspect only for a diagnosis.
      const glance = await engine.glanceContainers(target.projectName);
      const glanced = judgeReadiness(config, glance);
      if (!glanced.some((verdict) => verdict.kind === 'failed') && allReady(glanced)) return glance;
      const containers = await engine.listContainers(target.projectName);
      const verdicts = judgeReadiness(config, containers);
      const failed = verdicts.some((verdict) => verdict.kind === 'failed');
      const timedOut = Date.now() >= deadline;
      if (!failed && allReady(verdicts)) return containers;
      // Compose exited with an error but nothing failed yet: the early-exit case above, keep waiting.
      if (failed || timedOut || (result.exitCode !== 0 && !composeStoppedEarly(composeOutput))) {
        throw await diagnoseStartFailure(engine, {
          projectName: target.projectName,
          config,
          containers,
          verdicts,
          waitTimeoutSeconds,
          timedOut,
          composeOutput,
        });
      }
      await sleep(250);
    }
  } finally {
    interrupt.release();
    await progress.stop();
  }
}

/** Compose's `--wait` ends with "container X exited (0)" when a one-shot nobody waits for finishes. */
function composeStoppedEarly(output: string): boolean {
  return /exited \(0\)/.test(output);
}
