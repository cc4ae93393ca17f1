// The engine through the docker CLI: what works for every endpoint the CLI knows (tcp with TLS, ssh,
// any context), since the CLI resolves it from the same environment the endpoint was resolved from.
// The socket engine (socket-engine.ts) overrides the calls where a process per step costs more than
// the work.
import { execFileSync, spawn } from 'node:child_process';
import { JourneysError } from '../errors.ts';
import { type CommandResult, type RunOptions, runCommand } from '../util/run-command.ts';
import { type ComposeTarget, composeGlobalArgs, projectDirectory } from './compose.ts';
import {
  type ContainerState,
  glanceArgs,
  type InspectOutput,
  type NetworkAttachment,
  parseGlance,
  sortContainers,
  toContainerState,
} from './container-state.ts';
import type { EngineEndpoint } from './endpoint.ts';
import type {
  CommandOutput,
  ComposeOptions,
  ContainerAction,
  Engine,
  EngineEvent,
  EngineInfo,
  ImageContents,
  LabelledImage,
  ManagedResource,
} from './engine.ts';
import { engineUnavailable } from './engine-unavailable.ts';
import { LABEL } from './labels.ts';
import { askUntilRemoved } from './removal.ts';
import { cliStatsSource, type StatsSource } from './stats-source.ts';

// The CLI could not reach an engine, or could not even tell which one (a context that does not
// exist, a DOCKER_HOST it cannot parse or whose protocol it lacks: "Failed to initialize: …").
const DAEMON_DOWN =
  /Cannot connect to the Docker daemon|Is the docker daemon running|error during connect|docker\.sock: connect|Failed to initialize|unable to resolve docker endpoint|context not found/i;

/** A docker command the engine refused: quotes the command and what it said. */
export class EngineCommandError extends Error {
  constructor(
    readonly args: readonly string[],
    readonly result: CommandOutput,
  ) {
    super(`\`docker ${args.join(' ')}\` exited ${result.exitCode}: ${result.stderr.trim() || result.stdout.trim()}`);
    this.name = 'EngineCommandError';
  }
}

/** `--format '{{json .}}'` prints one JSON object per line. */
export function parseJsonLines<T = unknown>(text: string): T[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as T);
}

const LIFECYCLE_TIMEOUT_MS = 120_000;
const COMMAND_TIMEOUT_MS = 60_000;

export class CliEngine implements Engine {
  constructor(readonly endpoint: EngineEndpoint) {}

  /** Runs the docker CLI; a missing binary or a stopped daemon become DOCKER_UNAVAILABLE errors. */
  protected async docker(args: readonly string[], options: RunOptions = {}): Promise<CommandResult> {
    let result: CommandResult;
    try {
      result = await runCommand('docker', args, { env: this.endpoint.env, ...options });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new JourneysError(
          'DOCKER_UNAVAILABLE',
          'The docker CLI is not installed (no `docker` on PATH).',
          'Fix: install Docker Engine and the Compose v2 plugin; on Debian/Ubuntu as root `npx journeys provision` does it.',
        );
      }
      throw error;
    }
    if (result.exitCode !== 0 && DAEMON_DOWN.test(result.stderr))
      throw engineUnavailable(this.endpoint, result.stderr.trim());
    return result;
  }

  /** Like `docker`, but a non-zero exit is an EngineCommandError. */
  protected async dockerOk(args: readonly string[], timeoutMs = COMMAND_TIMEOUT_MS): Promise<string> {
    const result = await this.docker(args, { timeoutMs });
    if (result.exitCode !== 0) throw new EngineCommandError(args, result);
    return result.stdout;
  }

  async version(): Promise<string> {
    return (await this.dockerOk(['version', '--format', '{{.Server.Version}}'], 15_000)).trim();
  }

  async info(): Promise<EngineInfo> {
    const result = await this.docker(['info', '--format', '{{json .}}'], { timeoutMs: 15_000 });
    const info = parseJsonLines<{ ServerVersion?: string; OperatingSystem?: string; DockerRootDir?: string }>(
      result.stdout,
    )[0];
    if (result.exitCode !== 0 || !info?.ServerVersion)
      throw engineUnavailable(this.endpoint, result.stderr.trim() || `docker info exited ${result.exitCode}`);
    return {
      serverVersion: info.ServerVersion,
      operatingSystem: info.OperatingSystem ?? 'unknown',
      rootDir: info.DockerRootDir ?? '',
    };
  }

  async composeVersion(): Promise<string | undefined> {
    const result = await this.docker(['compose', 'version', '--short'], { timeoutMs: 15_000 });
    return result.exitCode === 0 ? result.stdout.trim().replace(/^v/, '') : undefined;
  }

  /**
   * We spawn Compose ourselves rather than through the `docker-compose` npm package: that one waits a
   * fixed 500 ms after every exit, which alone would break the "re-use in under 0.5 s" budget.
   */
  compose(target: ComposeTarget, args: readonly string[], options: ComposeOptions = {}): Promise<CommandOutput> {
    return this.docker([...composeGlobalArgs(target), ...args], { cwd: projectDirectory(target), ...options });
  }

  async listContainers(projectName: string): Promise<ContainerState[]> {
    const ids = (await this.dockerOk(['ps', '-aq', '--no-trunc', '--filter', `label=${LABEL.project}=${projectName}`]))
      .split('\n')
      .filter(Boolean);
    if (ids.length === 0) return [];
    // A container can vanish between the two calls (teardown racing a progress poll): inspect what is left.
    const result = await this.docker(['inspect', ...ids]);
    return sortContainers((JSON.parse(result.stdout || '[]') as InspectOutput[]).map(toContainerState));
  }

  async glanceContainers(projectName: string): Promise<ContainerState[]> {
    return parseGlance(await this.dockerOk(glanceArgs(projectName)));
  }

  glanceContainersSync(projectName: string): ContainerState[] | undefined {
    try {
      return parseGlance(
        execFileSync('docker', glanceArgs(projectName), {
          encoding: 'utf8',
          env: this.endpoint.env,
          stdio: ['ignore', 'pipe', 'ignore'],
        }),
      );
    } catch {
      return undefined;
    }
  }

  async containerAction(action: ContainerAction, id: string): Promise<void> {
    const slow = action === 'stop' || action === 'start' || action === 'restart';
    await this.dockerOk([action, id], slow ? LIFECYCLE_TIMEOUT_MS : COMMAND_TIMEOUT_MS);
  }

  async killContainer(id: string, signal: string): Promise<void> {
    await this.dockerOk(['kill', '--signal', signal, id]);
  }

  async disconnectNetwork(id: string, network: string): Promise<void> {
    await this.dockerOk(['network', 'disconnect', network, id]);
  }

  async connectNetwork(id: string, attachment: NetworkAttachment): Promise<void> {
    const shortId = id.slice(0, 12);
    const aliases = attachment.aliases.filter((alias) => alias !== shortId);
    await this.dockerOk([
      'network',
      'connect',
      ...aliases.flatMap((alias) => ['--alias', alias]),
      ...(attachment.ipv4 ? ['--ip', attachment.ipv4] : []),
      attachment.network,
      id,
    ]);
  }

  exec(id: string, command: readonly string[], timeoutMs: number): Promise<CommandOutput> {
    return this.docker(['exec', id, ...command], { timeoutMs });
  }

  async containerLogs(id: string, lines: number): Promise<string> {
    const result = await this.docker(['logs', '--tail', String(lines), id], { timeoutMs: 15_000 });
    return `${result.stdout}${result.stderr}`.trim();
  }

  async events(projectName: string, since: Date, until: Date, actions: readonly string[]): Promise<EngineEvent[]> {
    const unixSeconds = (date: Date) => (date.getTime() / 1000).toFixed(3);
    const result = await this.docker(
      [
        'events',
        '--since',
        unixSeconds(since),
        '--until',
        unixSeconds(until),
        '--filter',
        `label=${LABEL.project}=${projectName}`,
        '--filter',
        'type=container',
        ...actions.flatMap((event) => ['--filter', `event=${event}`]),
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

  stats(): StatsSource {
    return cliStatsSource(this.endpoint.env);
  }

  async removeLabelled(labels: readonly string[]): Promise<number> {
    const filter = labels.flatMap((label) => ['--filter', `label=${label}`]);
    const listContainers = async () => (await this.dockerOk(['ps', '-aq', ...filter])).split('\n').filter(Boolean);
    const containers = await listContainers();
    // `rm -f` fails on a container another remover is taking: ask until none is left (see worthAskingAgain).
    let left = containers;
    await askUntilRemoved(async () => {
      if (left.length === 0) return { done: true };
      const { exitCode, stderr } = await this.docker(['rm', '-f', '-v', ...left]);
      const refusal = `\`docker rm -f -v ${left.join(' ')}\`: ${stderr.trim()}`;
      left = exitCode === 0 ? [] : await listContainers();
      return left.length === 0 ? { done: true } : { done: false, again: true, refusal };
    });
    const [networks, volumes] = await Promise.all([
      this.dockerOk(['network', 'ls', '-q', ...filter]),
      this.dockerOk(['volume', 'ls', '-q', ...filter]),
    ]);
    const networkIds = networks.split('\n').filter(Boolean);
    const volumeIds = volumes.split('\n').filter(Boolean);
    await Promise.all([
      ...networkIds.map((id) => this.#removeNetwork(id)),
      volumeIds.length > 0 ? this.docker(['volume', 'rm', '-f', ...volumeIds]) : undefined,
    ]);
    return containers.length + networkIds.length + volumeIds.length;
  }

  #removeNetwork(id: string): Promise<void> {
    return askUntilRemoved(async () => {
      const { exitCode, stderr } = await this.docker(['network', 'rm', id]);
      if (exitCode === 0 || /no such network|not found/i.test(stderr)) return { done: true }; // gone meanwhile
      return {
        done: false,
        again: /active endpoints/i.test(stderr),
        refusal: `\`docker network rm ${id}\`: ${stderr.trim()}`,
      };
    });
  }

  async labelledResources(labels: readonly string[], read: readonly string[]): Promise<ManagedResource[]> {
    const filter = labels.flatMap((label) => ['--filter', `label=${label}`]);
    const format = read.map((label) => `{{.Label "${label}"}}`).join('\t');
    const [containers, networks, volumes] = await Promise.all([
      this.dockerOk(['ps', '-a', ...filter, '--format', `${format}\t{{.CreatedAt}}`]),
      this.dockerOk(['network', 'ls', ...filter, '--format', format]),
      this.dockerOk(['volume', 'ls', ...filter, '--format', format]),
    ]);
    return [containers, networks, volumes]
      .join('\n')
      .split('\n')
      .filter((line) => line.trim())
      .map((line) => {
        const values = line.split('\t');
        const createdAt = values[read.length] ? dockerTime(values[read.length]!) : undefined;
        return {
          labels: Object.fromEntries(read.flatMap((label, index) => (values[index] ? [[label, values[index]]] : []))),
          ...(createdAt && { createdAt }),
        };
      });
  }

  async networkSubnets(): Promise<string[]> {
    const ids = (await this.docker(['network', 'ls', '-q'])).stdout.split('\n').filter(Boolean);
    if (ids.length === 0) return [];
    const result = await this.docker([
      'network',
      'inspect',
      '--format',
      '{{range .IPAM.Config}}{{.Subnet}} {{end}}',
      ...ids,
    ]);
    return result.stdout.split(/\s+/).filter(Boolean);
  }

  async absentImages(images: readonly string[]): Promise<Set<string>> {
    // One `docker image inspect` for all; one per image only when one is missing, to say which.
    const all = await this.docker(['image', 'inspect', '--format', '{{.Id}}', ...images]);
    if (all.exitCode === 0) return new Set();
    const found = await Promise.all(
      images.map(async (image) => (await this.docker(['image', 'inspect', '--format', '{{.Id}}', image])).exitCode),
    );
    return new Set(images.filter((_, index) => found[index] !== 0));
  }

  async imageContents(ids: readonly string[]): Promise<Map<string, ImageContents>> {
    const contents = new Map<string, ImageContents>();
    if (ids.length === 0) return contents;
    const inspected = await this.docker(['image', 'inspect', ...new Set(ids)]);
    let found: { Id: string; RepoDigests?: string[]; RootFS?: { Layers?: string[] } }[];
    try {
      found = JSON.parse(inspected.stdout || '[]');
    } catch {
      return contents;
    }
    for (const image of found)
      contents.set(image.Id, { layers: image.RootFS?.Layers ?? [], digests: image.RepoDigests ?? [] });
    return contents;
  }

  async imagesMatching(filters: readonly string[]): Promise<LabelledImage[]> {
    const listed = await this.docker(['image', 'ls', '--quiet', ...filters.flatMap((filter) => ['--filter', filter])]);
    const ids = [...new Set(listed.stdout.split('\n').filter(Boolean))];
    if (listed.exitCode !== 0 || ids.length === 0) return [];
    // An image another stack's clean-up removed between the list and this look fails the command for
    // that id only: the others are still printed, and still ours to judge (reading none left them all).
    const inspected = await this.docker(['image', 'inspect', ...ids]);
    let found: { Id: string; RepoTags?: string[]; Config?: { Labels?: Record<string, string> } }[];
    try {
      found = JSON.parse(inspected.stdout || '[]');
    } catch {
      return [];
    }
    return found.map((image) => ({ id: image.Id, tags: image.RepoTags ?? [], labels: image.Config?.Labels ?? {} }));
  }

  async removeImages(refs: readonly string[]): Promise<number> {
    if (refs.length === 0) return 0;
    const removed = await this.docker(['image', 'rm', ...refs]);
    return refs.filter((ref) => removed.stdout.includes(ref)).length;
  }

  async registryHas(image: string): Promise<boolean> {
    return (await this.docker(['manifest', 'inspect', image], { timeoutMs: 8_000 })).exitCode === 0;
  }

  importImage(rootfs: NodeJS.ReadableStream, image: string, changes: readonly string[]): Promise<CommandOutput> {
    const args = ['import', ...changes.flatMap((change) => ['--change', change]), '-', image];
    return new Promise((resolve, reject) => {
      const load = spawn('docker', args, { env: this.endpoint.env, stdio: ['pipe', 'pipe', 'pipe'] });
      let [stdout, stderr] = ['', ''];
      load.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
      load.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      load.stdin.on('error', () => {}); // docker exiting early closes its stdin; its exit code says why
      load.on('error', reject);
      load.on('close', (code) => resolve({ exitCode: code ?? 1, stdout, stderr }));
      rootfs.pipe(load.stdin);
    });
  }

  buildImage(context: string, tag: string): Promise<CommandOutput> {
    return this.docker(['build', '--quiet', '--tag', tag, context]);
  }
}

interface RawEvent {
  timeNano: number;
  Action: string;
  Actor: { Attributes: Record<string, string> };
}

/** `docker ps`'s CreatedAt (`2026-12-07 14:45:21 +0000 UTC`) as a Date; undefined when it is not that. */
function dockerTime(text: string): Date | undefined {
  const parts = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d) ([+-]\d\d)(\d\d)/.exec(text.trim());
  if (!parts) return undefined;
  const date = new Date(`${parts[1]}T${parts[2]}${parts[3]}:${parts[4]}`);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
