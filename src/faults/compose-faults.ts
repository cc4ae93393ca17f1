// Every Docker command the faults fixture runs, in one place: the faults and their heals (stop, kill,
// pause, network disconnect; start, unpause, connect) on a service's containers. What the containers
// are (state, health, healthcheck, networks) is the engine's `listContainers`.
import type { ContainerState, NetworkAttachment } from '../stack/container-state.ts';
import { docker } from '../stack/docker-cli.ts';
import type { CommandResult } from '../util/run-command.ts';

export class DockerCommandError extends Error {
  constructor(
    readonly args: readonly string[],
    readonly result: CommandResult,
  ) {
    super(`\`docker ${args.join(' ')}\` exited ${result.exitCode}: ${result.stderr.trim() || result.stdout.trim()}`);
    this.name = 'DockerCommandError';
  }
}

async function dockerOk(args: string[], timeoutMs = 60_000): Promise<string> {
  const result = await docker(args, { timeoutMs });
  if (result.exitCode !== 0) throw new DockerCommandError(args, result);
  return result.stdout;
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
export async function probeHealth(container: ContainerState): Promise<{ ok: boolean; output: string }> {
  const test = container.healthcheck;
  if (!test) return { ok: true, output: '(no healthcheck)' };
  const command =
    test[0] === 'CMD-SHELL' ? ['/bin/sh', '-c', test.slice(1).join(' ')] : test[0] === 'CMD' ? test.slice(1) : test;
  const timeoutMs = Math.min(container.healthcheckTimeoutMs ?? 10_000, 10_000);
  const result = await docker(['exec', container.id, ...command], { timeoutMs: timeoutMs + 2_000 });
  const output = `${result.stdout}${result.stderr}`.trim().slice(0, 300);
  return { ok: result.exitCode === 0, output: `exit ${result.exitCode}${output ? `: ${output}` : ''}` };
}

/** The last lines a container logged: what a heal failure quotes. */
export async function containerLogTail(id: string, lines = 20): Promise<string> {
  const result = await docker(['logs', '--tail', String(lines), id], { timeoutMs: 15_000 });
  return `${result.stdout}${result.stderr}`.trim();
}
