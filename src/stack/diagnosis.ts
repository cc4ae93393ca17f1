import { type ContainerState, describeState } from '../engine/container-state.ts';
import type { Engine } from '../engine/engine.ts';
import { type ErrorCategory, JourneysError } from '../errors.ts';
import type { ServiceVerdict } from './readiness.ts';
import { dependantsOf, type ResolvedConfig } from './resolved-config.ts';

const LOG_LINES = 50;
const HEALTH_PROBES = 3;

export interface StartFailureContext {
  projectName: string;
  config: ResolvedConfig;
  containers: ContainerState[];
  verdicts: ServiceVerdict[];
  waitTimeoutSeconds: number;
  timedOut: boolean;
  composeOutput: string;
}

/**
 * Turns a stack that did not become ready into one error that says which service failed, what its
 * healthcheck and logs said, and who was blocked behind it: everything needed without re-running.
 */
export async function diagnoseStartFailure(engine: Engine, context: StartFailureContext): Promise<JourneysError> {
  const failed = context.verdicts.filter((verdict) => verdict.kind === 'failed');
  const culprits =
    failed.length > 0
      ? failed.map((verdict) => verdict.service)
      : context.verdicts.filter((v) => v.kind === 'waiting').map((v) => v.service);
  const sections: string[] = [];
  for (const service of culprits) sections.push(await describeService(engine, context, service));
  const fine = context.verdicts
    .filter((verdict) => verdict.kind === 'ready' || verdict.kind === 'completed')
    .map((verdict) => verdict.service);
  if (fine.length > 0) sections.push(`ready: ${fine.join(', ')}`);
  const composeSaid = context.composeOutput
    .split('\n')
    .map((line) => line.trim())
    .filter(
      (line) =>
        line &&
        !/^(Container|Network|Volume) .* (Creating|Created|Starting|Started|Waiting|Healthy|Running)$/.test(line),
    );
  if (composeSaid.length > 0) sections.push(`docker compose said:\n${indent(composeSaid.slice(-10).join('\n'))}`);

  const category = categorize(failed, context.timedOut);
  const what =
    failed.length > 0
      ? failed.map((verdict) => `${verdict.service} (${verdict.kind === 'failed' ? verdict.reason : ''})`).join(', ')
      : `still not ready: ${culprits.join(', ') || 'nothing started'}`;
  const when = context.timedOut ? ` within the wait timeout of ${context.waitTimeoutSeconds} s` : '';
  return new JourneysError(
    category,
    `Stack ${context.projectName} did not become ready${when}: ${what}.`,
    sections.join('\n\n'),
  );
}

function categorize(failed: ServiceVerdict[], timedOut: boolean): ErrorCategory {
  if (failed.some((verdict) => verdict.kind === 'failed' && verdict.oneShot && verdict.reason === 'exited'))
    return 'ONE_SHOT_FAILED';
  if (failed.some((verdict) => verdict.kind === 'failed' && verdict.reason === 'unhealthy'))
    return 'HEALTHCHECK_TIMEOUT';
  if (failed.length === 0 && timedOut) return 'HEALTHCHECK_TIMEOUT';
  return 'STACK_STARTUP';
}

async function describeService(engine: Engine, context: StartFailureContext, service: string): Promise<string> {
  const lines: string[] = [];
  const containers = context.containers.filter((container) => container.service === service);
  if (containers.length === 0) lines.push(`✗ ${service}: no container was created`);
  for (const container of containers) {
    lines.push(`✗ ${service}: ${describeState(container)}`);
    const probes = container.healthLog.slice(-HEALTH_PROBES);
    if (probes.length > 0) {
      lines.push(
        `  healthcheck (${context.config.services[service]?.healthcheck?.test?.join(' ') ?? '?'}), last ${probes.length} probes:`,
      );
      for (const probe of probes)
        lines.push(
          indent(`[${probe.start.slice(11, 19)}] exit ${probe.exitCode}: ${probe.output.trim() || '(no output)'}`, 4),
        );
    }
    const text = await engine.containerLogs(container.id, LOG_LINES).catch(() => '');
    lines.push(`  last ${LOG_LINES} log lines:`);
    lines.push(indent(text || '(no output)', 4));
  }
  const blocked = dependantsOf(context.config, service).filter((dependant) =>
    context.verdicts.some((verdict) => verdict.service === dependant && verdict.kind === 'waiting'),
  );
  if (blocked.length > 0) lines.push(`  blocked behind it: ${blocked.join(', ')}`);
  return lines.join('\n');
}

function indent(text: string, by = 2): string {
  return text
    .split('\n')
    .map((line) => `${' '.repeat(by)}${line}`)
    .join('\n');
}
