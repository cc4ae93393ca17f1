import { GUARD_SERVICE } from '../egress/guard-script.ts';
import type { ComposeTarget } from '../engine/compose.ts';
import { type ContainerState, describeState } from '../engine/container-state.ts';
import type { Engine, EngineEvent } from '../engine/engine.ts';

/** What the engine can tell about a stack over one test's time window. */
export interface StackEvidence {
  containers: ContainerState[];
  /** Container lifecycle events during the window: die, oom, kill, restart, health_status: … */
  events: ContainerEvent[];
  /** Per service, its log lines (with Docker's timestamps) during the window; services that logged nothing are absent. */
  logs: Map<string, string>;
}

/** A container lifecycle event: `die`, `oom`, `kill`, `start`, `restart`, `health_status: unhealthy`, … */
export type ContainerEvent = EngineEvent;

export interface TimeWindow {
  since: Date;
  until: Date;
}

export async function collectStackEvidence(
  engine: Engine,
  target: ComposeTarget,
  window: TimeWindow,
): Promise<StackEvidence> {
  const containers = await engine.listContainers(target.projectName);
  // Not the egress guard's: it is in no compose file of the user's (what it saw is on the timeline).
  const services = [...new Set(containers.map((container) => container.service))].filter(
    (service) => service !== GUARD_SERVICE,
  );
  const [events, ...serviceLogs] = await Promise.all([
    containerEvents(engine, target.projectName, window),
    ...services.map((service) => serviceLog(engine, target, service, window)),
  ]);
  const logs = new Map<string, string>();
  services.forEach((service, index) => {
    if (serviceLogs[index]) logs.set(service, serviceLogs[index]);
  });
  return { containers, events, logs };
}

const LIFECYCLE = ['create', 'start', 'restart', 'stop', 'kill', 'die', 'oom', 'pause', 'unpause', 'health_status'];

/**
 * `docker events` with both ends in the past returns at once: no background process to start
 * before each test or to leak when a worker dies. The daemon keeps recent events in memory.
 * Not exec_*: every healthcheck probe is an exec, and they would drown what matters.
 */
export function containerEvents(engine: Engine, projectName: string, window: TimeWindow): Promise<ContainerEvent[]> {
  return engine.events(projectName, window.since, window.until, LIFECYCLE);
}

/**
 * Docker stamps a log line when the daemon receives it, a few ms after the service wrote it (more on
 * a busy machine): a line written just before the test ended can carry a later time. The end of the
 * log window is therefore padded; `--until` in the future returns at once with what there is.
 */
const LOG_END_SLACK_MS = 2_000;

async function serviceLog(engine: Engine, target: ComposeTarget, service: string, window: TimeWindow): Promise<string> {
  const result = await engine.compose(
    target,
    [
      'logs',
      '--no-color',
      '--no-log-prefix',
      '--timestamps',
      '--since',
      window.since.toISOString(),
      '--until',
      new Date(window.until.getTime() + LOG_END_SLACK_MS).toISOString(),
      service,
    ],
    { timeoutMs: 30_000 },
  );
  // Compose prefixes lines with terminal escapes (erase-line) even with --no-color.
  return result.exitCode === 0
    ? result.stdout.replace(/\u001b\[[0-9;]*[A-Za-z]/g, '').trim()
    : `(docker compose logs failed: ${result.stderr.trim()})`;
}

/** `docker compose ps`, as a table a reader can scan. */
export function formatContainers(containers: readonly ContainerState[]): string {
  const rows = containers.map((c) => [
    c.service,
    c.name,
    describeState(c),
    String(c.exitCode),
    String(c.restartCount),
    c.oomKilled ? 'yes' : 'no',
    c.startedAt,
  ]);
  return formatTable(['SERVICE', 'CONTAINER', 'STATE', 'EXIT', 'RESTARTS', 'OOM', 'STARTED'], rows);
}

export function formatEvents(events: readonly (ContainerEvent & { intended?: string })[]): string {
  if (events.length === 0) return 'No container events during the test.';
  return formatTable(
    ['TIME', 'SERVICE', 'CONTAINER', 'EVENT'],
    events.map((e) => [
      e.at.toISOString(),
      e.service,
      e.container,
      `${e.exitCode ? `${e.action} (exit ${e.exitCode})` : e.action}${e.intended ? ` (intended: ${e.intended})` : ''}`,
    ]),
  );
}

function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  return [header, ...rows]
    .map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths[column]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
