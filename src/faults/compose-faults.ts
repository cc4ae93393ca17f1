// Every Docker command the faults fixture runs, in one place: what a service's containers are (state,
// health, healthcheck, networks), and the faults and their heals (stop, kill, pause, network
// disconnect; start, unpause, connect), on the containers Compose labelled with the project.
import { type CommandResult, runCommand } from '../util/run-command.ts';

const PROJECT_LABEL = 'com.docker.compose.project';
const SERVICE_LABEL = 'com.docker.compose.service';

export interface NetworkAttachment {
  network: string;
  aliases: string[];
  /** A fixed address from the compose file (`ipv4_address`), kept on reconnect. */
  ipv4?: string;
}

export interface ServiceContainer {
  id: string;
  name: string;
  service: string;
  status: 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';
  health?: 'starting' | 'healthy' | 'unhealthy';
  exitCode: number;
  finishedAt: string;
  restartPolicy: string;
  /** `["CMD", …]`, `["CMD-SHELL", "…"]`, or undefined (none, or `NONE`). */
  healthcheck?: string[];
  /** Docker's healthcheck timeout, ms. */
  healthcheckTimeoutMs?: number;
  networks: NetworkAttachment[];
  /** The last healthcheck output Docker recorded. */
  lastProbe?: string;
  /** Published ports: a container that starts again gets new host ports for ephemeral ones. */
  published: { containerPort: number; protocol: string; hostIp: string; hostPort: number }[];
}

interface InspectOutput {
  Id: string;
  Name: string;
  Config: { Labels: Record<string, string> | null; Healthcheck?: { Test?: string[]; Timeout?: number } };
  HostConfig: { RestartPolicy?: { Name?: string } };
  State: {
    Status: ServiceContainer['status'];
    ExitCode: number;
    FinishedAt: string;
    Health?: { Status: ServiceContainer['health']; Log?: { Output: string; ExitCode: number }[] | null };
  };
  NetworkSettings: {
    Networks: Record<string, { Aliases?: string[] | null; IPAMConfig?: { IPv4Address?: string } | null }> | null;
    Ports: Record<string, { HostIp: string; HostPort: string }[] | null> | null;
  };
}

export class DockerCommandError extends Error {
  constructor(
    readonly args: readonly string[],
    readonly result: CommandResult,
  ) {
    super(`\`docker ${args.join(' ')}\` exited ${result.exitCode}: ${result.stderr.trim() || result.stdout.trim()}`);
    this.name = 'DockerCommandError';
  }
}

async function docker(args: string[], timeoutMs = 60_000): Promise<CommandResult> {
  return runCommand('docker', args, { timeoutMs });
}

async function dockerOk(args: string[], timeoutMs?: number): Promise<string> {
  const result = await docker(args, timeoutMs);
  if (result.exitCode !== 0) throw new DockerCommandError(args, result);
  return result.stdout;
}

function toServiceContainer(raw: InspectOutput): ServiceContainer {
  const labels = raw.Config.Labels ?? {};
  const test = raw.Config.Healthcheck?.Test;
  const log = raw.State.Health?.Log ?? [];
  return {
    id: raw.Id,
    name: raw.Name.replace(/^\//, ''),
    service: labels[SERVICE_LABEL] ?? raw.Name,
    status: raw.State.Status,
    health: raw.State.Health?.Status,
    exitCode: raw.State.ExitCode,
    finishedAt: raw.State.FinishedAt,
    restartPolicy: raw.HostConfig.RestartPolicy?.Name || 'no',
    healthcheck: test && test.length > 0 && test[0] !== 'NONE' ? test : undefined,
    healthcheckTimeoutMs: raw.Config.Healthcheck?.Timeout ? raw.Config.Healthcheck.Timeout / 1e6 : undefined,
    networks: Object.entries(raw.NetworkSettings.Networks ?? {}).map(([network, settings]) => ({
      network,
      aliases: settings.Aliases ?? [],
      ...(settings.IPAMConfig?.IPv4Address && { ipv4: settings.IPAMConfig.IPv4Address }),
    })),
    lastProbe: log.at(-1) ? `exit ${log.at(-1)!.ExitCode}: ${log.at(-1)!.Output.trim().slice(0, 300)}` : undefined,
    published: Object.entries(raw.NetworkSettings.Ports ?? {}).flatMap(([key, bindings]) => {
      const [port, protocol = 'tcp'] = key.split('/');
      return (bindings ?? []).map((binding) => ({
        containerPort: Number(port),
        protocol,
        hostIp: binding.HostIp,
        hostPort: Number(binding.HostPort),
      }));
    }),
  };
}

/** Every container of the project (stopped ones too), in two docker calls. */
export async function projectContainers(projectName: string): Promise<ServiceContainer[]> {
  const ids = (await dockerOk(['ps', '-aq', '--no-trunc', '--filter', `label=${PROJECT_LABEL}=${projectName}`]))
    .split('\n')
    .filter(Boolean);
  if (ids.length === 0) return [];
  const result = await docker(['inspect', ...ids]);
  const parsed = JSON.parse(result.stdout || '[]') as InspectOutput[];
  return parsed
    .map(toServiceContainer)
    .sort((a, b) => a.service.localeCompare(b.service) || a.name.localeCompare(b.name));
}

/** `running (healthy)`, `exited (0)`, `paused`. */
export function describeContainer(container: ServiceContainer): string {
  if (container.status === 'exited' || container.status === 'dead') return `exited (${container.exitCode})`;
  return container.health ? `${container.status} (${container.health})` : container.status;
}

export const stopContainer = (id: string) => dockerOk(['stop', id], 120_000);
export const killContainer = (id: string, signal: string) => dockerOk(['kill', '--signal', signal, id]);
export const pauseContainer = (id: string) => dockerOk(['pause', id]);
export const unpauseContainer = (id: string) => dockerOk(['unpause', id]);
export const startContainer = (id: string) => dockerOk(['start', id], 120_000);
export const restartContainer = (id: string) => dockerOk(['restart', id], 120_000);
export const disconnectContainer = (id: string, network: string) => dockerOk(['network', 'disconnect', network, id]);

/** Back on the network under the names it had (the service name, for one), and its fixed address if it had one. */
export function connectContainer(id: string, attachment: NetworkAttachment): Promise<string> {
  const shortId = id.slice(0, 12);
  const aliases = attachment.aliases.filter((alias) => alias !== shortId);
  return dockerOk([
    'network',
    'connect',
    ...aliases.flatMap((alias) => ['--alias', alias]),
    ...(attachment.ipv4 ? ['--ip', attachment.ipv4] : []),
    attachment.network,
    id,
  ]);
}

/**
 * Runs the container's own healthcheck command now (`docker exec`), rather than waiting up to an
 * interval for Docker's next probe: after a heal, "ready" is known within a second.
 */
export async function probeHealth(container: ServiceContainer): Promise<{ ok: boolean; output: string }> {
  const test = container.healthcheck;
  if (!test) return { ok: true, output: '(no healthcheck)' };
  const command =
    test[0] === 'CMD-SHELL' ? ['/bin/sh', '-c', test.slice(1).join(' ')] : test[0] === 'CMD' ? test.slice(1) : test;
  const timeoutMs = Math.min(container.healthcheckTimeoutMs ?? 10_000, 10_000);
  const result = await docker(['exec', container.id, ...command], timeoutMs + 2_000);
  const output = `${result.stdout}${result.stderr}`.trim().slice(0, 300);
  return { ok: result.exitCode === 0, output: `exit ${result.exitCode}${output ? `: ${output}` : ''}` };
}

/** The last lines a container logged: what a heal failure quotes. */
export async function containerLogTail(id: string, lines = 20): Promise<string> {
  const result = await docker(['logs', '--tail', String(lines), id], 15_000);
  return `${result.stdout}${result.stderr}`.trim();
}
