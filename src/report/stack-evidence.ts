import { GUARD_SERVICE } from '../egress/guard-script.ts';
import { type ComposeTarget, compose } from '../stack/compose-target.ts';
import { type ContainerState, describeState, listContainers } from '../stack/container-state.ts';
import { docker, parseJsonLines } from '../stack/docker-cli.ts';
import { LABEL } from '../stack/labels.ts';

/** What the engine can tell about a stack over one test's time window. */
export interface StackEvidence {
  containers: ContainerState[];
  /** Container lifecycle events during the window: die, oom, kill, restart, health_status: … */
  events: ContainerEvent[];
  /** Per service, its log lines (with Docker's timestamps) during the window; services that logged nothing are absent. */
  logs: Map<string, string>;
}

export interface ContainerEvent {
  at: Date;
  service: string;
  container: string;
  /** Docker's action: `die`, `oom`, `kill`, `start`, `restart`, `health_status: unhealthy`, … */
  action: string;
  exitCode?: string;
}

interface RawEvent {
  Type: string;
  Action: string;
  timeNano: number;
  Actor: { Attributes: Record<string, string> };
}

export interface TimeWindow {
  since: Date;
  until: Date;
}

export async function collectStackEvidence(target: ComposeTarget, window: TimeWindow): Promise<StackEvidence> {
  const containers = await listContainers(target.projectName);
  // Not the egress guard's: it is in no compose file of the user's (what it saw is on the timeline).
  const services = [...new Set(containers.map((container) => container.service))].filter(
    (service) => service !== GUARD_SERVICE,
  );
  const [events, ...serviceLogs] = await Promise.all([
    containerEvents(target.projectName, window),
    ...services.map((service) => serviceLog(target, service, window)),
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
 */
async function containerEvents(projectName: string, window: TimeWindow): Promise<ContainerEvent[]> {
  const result = await docker(
    [
      'events',
      '--since',
      unixSeconds(window.since),
      '--until',
      unixSeconds(window.until),
      '--filter',
      `label=${LABEL.project}=${projectName}`,
      '--filter',
      'type=container',
      // Not exec_*: every healthcheck probe is an exec, and they would drown what matters.
      ...LIFECYCLE.flatMap((event) => ['--filter', `event=${event}`]),
      '--format',
      '{{json .}}',
    ],
    { timeoutMs: 15_000 },
  );
  return parseJsonLines<RawEvent>(result.stdout).map((event) => ({
    at: new Date(event.timeNano / 1e6),
    service: event.Actor.Attributes[LABEL.service] ?? '?',
    container: event.Actor.Attributes.name ?? '?',
    action: event.Action,
    exitCode: event.Actor.Attributes.exitCode,
  }));
}

/**
 * Docker stamps a log line when the daemon receives it, a few ms after the service wrote it (more on
 * a busy machine): a line written just before the test ended can carry a later time. The end of the
 * log window is therefore padded; `--until` in the future returns at once with what there is.
 */
const LOG_END_SLACK_MS = 2_000;

async function serviceLog(target: ComposeTarget, service: string, window: TimeWindow): Promise<string> {
  const result = await compose(
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

function unixSeconds(date: Date): string {
  return (date.getTime() / 1000).toFixed(3);
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
