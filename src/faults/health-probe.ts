import type { ContainerState } from '../engine/container-state.ts';
import type { Engine } from '../engine/engine.ts';

/**
 * Runs the container's own healthcheck command now (`docker exec`), rather than waiting up to an
 * interval for Docker's next probe: after a heal, "ready" is known within a second.
 */
export async function probeHealth(engine: Engine, container: ContainerState): Promise<{ ok: boolean; output: string }> {
  const test = container.healthcheck;
  if (!test) return { ok: true, output: '(no healthcheck)' };
  const command =
    test[0] === 'CMD-SHELL' ? ['/bin/sh', '-c', test.slice(1).join(' ')] : test[0] === 'CMD' ? test.slice(1) : test;
  const timeoutMs = Math.min(container.healthcheckTimeoutMs ?? 10_000, 10_000);
  const result = await engine.exec(container.id, command, timeoutMs + 2_000);
  const output = `${result.stdout}${result.stderr}`.trim().slice(0, 300);
  return { ok: result.exitCode === 0, output: `exit ${result.exitCode}${output ? `: ${output}` : ''}` };
}
