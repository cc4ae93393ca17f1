import type { ContainerState } from '../engine/container-state.ts';
import { hasHealthcheck, oneShotServices, type ResolvedConfig } from './resolved-config.ts';

export type ServiceVerdict =
  | { service: string; kind: 'ready' | 'completed' | 'waiting' }
  | { service: string; kind: 'failed'; oneShot: boolean; reason: 'unhealthy' | 'exited' | 'oom-killed' };

/**
 * Whether each service is where a journey can use it. Compose's own `--wait` treats a one-shot that
 * exited 0 as a failure when nothing depends on it (docker/compose#11013-style reports); here a
 * one-shot is done when it exited 0, whoever waits for it.
 */
export function judgeReadiness(config: ResolvedConfig, containers: readonly ContainerState[]): ServiceVerdict[] {
  const oneShots = oneShotServices(config);
  return Object.keys(config.services).map((service) => {
    const mine = containers.filter((container) => container.service === service);
    const oneShot = oneShots.has(service);
    if (mine.length === 0) return { service, kind: 'waiting' };
    for (const container of mine) {
      if (container.oomKilled) return { service, kind: 'failed', oneShot, reason: 'oom-killed' };
      if (container.health === 'unhealthy') return { service, kind: 'failed', oneShot, reason: 'unhealthy' };
      if (container.status === 'exited' || container.status === 'dead') {
        const finished = container.exitCode === 0 && !hasHealthcheck(config.services[service]!);
        if (!finished) return { service, kind: 'failed', oneShot, reason: 'exited' };
      }
    }
    if (mine.every((container) => container.status === 'exited')) return { service, kind: 'completed' };
    const usable = mine.every(
      (container) =>
        container.status === 'running' && (container.health === undefined || container.health === 'healthy'),
    );
    return { service, kind: usable ? 'ready' : 'waiting' };
  });
}

export function allReady(verdicts: readonly ServiceVerdict[]): boolean {
  return verdicts.every((verdict) => verdict.kind === 'ready' || verdict.kind === 'completed');
}
