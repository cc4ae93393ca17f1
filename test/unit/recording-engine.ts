// A recording fake of the engine seam: Docker answered from memory. It is the real SocketEngine with
// its two ways out replaced: the API requests (what removal, glances, inspection, labelled resources,
// image look-ups and the version go through) are served by an in-memory model of the engine's API,
// and the CLI's calls (Compose, stop, start, exec…) by in-memory versions. Every call is logged in order, so a test reads
// what the runner asked of Docker; the model behaves as the engine does where our code depends on
// it (a container another remover is taking answers 409, a network with containers on it 403).
import { readFileSync } from 'node:fs';
import type { ComposeTarget } from '../../src/engine/compose.ts';
import type { ContainerState, InspectOutput, NetworkAttachment } from '../../src/engine/container-state.ts';
import { resolveEndpoint } from '../../src/engine/endpoint.ts';
import type { CommandOutput, ComposeOptions, ContainerAction, EngineEvent } from '../../src/engine/engine.ts';
import { type ApiResponse, SocketEngine } from '../../src/engine/socket-engine.ts';
import type { StatsSource } from '../../src/engine/stats-source.ts';

/** How a service of the scripted stack behaves once Compose started it. */
export interface FakeService {
  /** A healthcheck command (`CMD-SHELL …`): judged healthy unless `healthy` is false. */
  healthcheck?: boolean;
  healthy?: boolean;
  ports?: number[];
  networks?: string[];
}

export interface FakeContainer extends ContainerState {
  project: string;
  /** True while a removal runs: a second DELETE gets 409, as from the engine. */
  removing?: boolean;
}

interface Labelled {
  id: string;
  name: string;
  labels: Record<string, string>;
}

/** Whether `own` carries every filter (`key` or `key=value`), as the engine's label filter reads them. */
function hasLabels(own: Record<string, string>, filters: readonly string[]): boolean {
  return filters.every((filter) => {
    const at = filter.indexOf('=');
    const key = at < 0 ? filter : filter.slice(0, at);
    return key in own && (at < 0 || own[key] === filter.slice(at + 1));
  });
}

const ok = (stdout = ''): CommandOutput => ({ exitCode: 0, stdout, stderr: '' });

/** A container as the engine's inspect (`GET /containers/{id}/json`) describes it. */
function inspectOf(c: FakeContainer): InspectOutput {
  const ports: Record<string, { HostIp: string; HostPort: string }[]> = {};
  for (const p of c.published) {
    const key = `${p.containerPort}/${p.protocol}`;
    ports[key] = [...(ports[key] ?? []), { HostIp: p.hostIp, HostPort: String(p.hostPort) }];
  }
  return {
    Id: c.id,
    Name: `/${c.name}`,
    ...(c.imageId && { Image: c.imageId }),
    RestartCount: c.restartCount,
    Config: {
      Labels: c.labels,
      ...(c.healthcheck && {
        Healthcheck: {
          Test: c.healthcheck,
          ...(c.healthcheckTimeoutMs && { Timeout: c.healthcheckTimeoutMs * 1e6 }),
        },
      }),
    },
    HostConfig: { RestartPolicy: { Name: c.restartPolicy ?? 'no' } },
    State: {
      Status: c.status,
      ExitCode: c.exitCode,
      StartedAt: c.startedAt,
      FinishedAt: c.finishedAt,
      OOMKilled: c.oomKilled,
      ...(c.health && {
        Health: {
          Status: c.health,
          Log: c.healthLog.map((p) => ({ Start: p.start, End: p.end, ExitCode: p.exitCode, Output: p.output })),
        },
      }),
    },
    NetworkSettings: {
      Networks: Object.fromEntries(
        (c.networks ?? []).map((a) => [
          a.network,
          {
            Aliases: a.aliases,
            ...(a.ipv4 && { IPAMConfig: { IPv4Address: a.ipv4 } }),
            ...(a.address && { IPAddress: a.address }),
          },
        ]),
      ),
      Ports: ports,
    },
  };
}

export class RecordingEngine extends SocketEngine {
  readonly calls: string[] = [];
  readonly containers = new Map<string, FakeContainer>();
  readonly networks = new Map<string, Labelled>();
  readonly volumes = new Map<string, Labelled>();
  /** Services `compose up` creates, per project. */
  readonly stacks = new Map<string, Record<string, FakeService>>();
  /** How long a container removal takes (another remover asking meanwhile gets 409). */
  removalMs = 30;
  #nextId = 1;
  #nextPort = 40_000;

  constructor() {
    super(resolveEndpoint({ DOCKER_HOST: 'unix:///fake/docker.sock' }), '/fake/docker.sock');
  }

  /** A running container of a project, as if Compose had made it. */
  addContainer(project: string, service: string, extra: Partial<FakeContainer> = {}): FakeContainer {
    const id = `c${this.#nextId++}`;
    const container: FakeContainer = {
      id,
      name: `${project}-${service}-1`,
      service,
      project,
      status: 'running',
      exitCode: 0,
      startedAt: new Date().toISOString(),
      finishedAt: '',
      restartCount: 0,
      oomKilled: false,
      labels: { 'com.docker.compose.project': project, 'com.docker.compose.service': service },
      healthLog: [],
      published: [],
      networks: [{ network: `${project}_default`, aliases: [service, id] }],
      ...extra,
    };
    container.labels = {
      ...container.labels,
      'com.docker.compose.project': project,
      'com.docker.compose.service': service,
    };
    this.containers.set(id, container);
    return container;
  }

  addNetwork(name: string, labels: Record<string, string>): void {
    this.networks.set(`n-${name}`, { id: `n-${name}`, name, labels });
  }

  addVolume(name: string, labels: Record<string, string>): void {
    this.volumes.set(name, { id: name, name, labels });
  }

  /** Everything left of a project. */
  leftOf(project: string): string[] {
    const is = (labels: Record<string, string>) => labels['com.docker.compose.project'] === project;
    return [
      ...[...this.containers.values()].filter((c) => is(c.labels)).map((c) => `container ${c.name}`),
      ...[...this.networks.values()].filter((n) => is(n.labels)).map((n) => `network ${n.name}`),
      ...[...this.volumes.values()].filter((v) => is(v.labels)).map((v) => `volume ${v.name}`),
    ];
  }

  // The engine's API, from memory.
  override async request(method: string, path: string): Promise<ApiResponse> {
    this.calls.push(`${method} ${path.replace(/\?.*$/, '')}`);
    const url = new URL(path, 'http://engine');
    const filters = JSON.parse(url.searchParams.get('filters') ?? '{}') as { label?: string[] };
    const matches = (labels: Record<string, string>) => hasLabels(labels, filters.label ?? []);
    const segments = url.pathname.split('/').filter(Boolean);
    if (method === 'GET' && url.pathname === '/version') return { status: 200, body: { Version: '26.1.5' } };
    if (method === 'GET' && url.pathname === '/containers/json')
      return {
        status: 200,
        body: [...this.containers.values()]
          .filter((c) => matches(c.labels))
          .map((c) => ({
            Id: c.id,
            Names: [`/${c.name}`],
            State: c.status,
            Status: c.health ? `Up 1 second (${c.health})` : c.status === 'exited' ? `Exited (${c.exitCode})` : 'Up',
            Labels: c.labels,
            Created: Math.floor(Date.parse(c.startedAt || '1970-01-01T00:00:00Z') / 1000),
            Ports: c.published.map((p) => ({
              IP: p.hostIp,
              PrivatePort: p.containerPort,
              PublicPort: p.hostPort,
              Type: p.protocol,
            })),
          })),
      };
    if (method === 'GET' && segments[0] === 'containers' && segments[2] === 'json') {
      const container = this.containers.get(segments[1]!);
      return container
        ? { status: 200, body: inspectOf(container) }
        : { status: 404, body: { message: `No such container: ${segments[1]}` } };
    }
    if (method === 'DELETE' && segments[0] === 'containers') {
      const container = this.containers.get(segments[1]!);
      if (!container) return { status: 404, body: { message: `No such container: ${segments[1]}` } };
      if (container.removing)
        return { status: 409, body: { message: `removal of container ${container.id} is already in progress` } };
      container.removing = true;
      await new Promise((resolve) => setTimeout(resolve, this.removalMs));
      this.containers.delete(container.id);
      return { status: 204, body: undefined };
    }
    if (method === 'GET' && url.pathname === '/networks')
      return {
        status: 200,
        body: [...this.networks.values()]
          .filter((n) => matches(n.labels))
          .map((n) => ({ Id: n.id, Name: n.name, Labels: n.labels })),
      };
    if (method === 'DELETE' && segments[0] === 'networks') {
      const network = this.networks.get(segments[1]!);
      if (!network) return { status: 404, body: { message: 'network not found' } };
      const attached = [...this.containers.values()].some((c) =>
        (c.networks ?? []).some((attachment) => attachment.network === network.name),
      );
      if (attached)
        return {
          status: 403,
          body: { message: `error while removing network: network ${network.name} has active endpoints` },
        };
      this.networks.delete(network.id);
      return { status: 204, body: undefined };
    }
    if (method === 'GET' && url.pathname === '/volumes')
      return {
        status: 200,
        body: {
          Volumes: [...this.volumes.values()]
            .filter((v) => matches(v.labels))
            .map((v) => ({ Name: v.name, Labels: v.labels })),
        },
      };
    if (method === 'DELETE' && segments[0] === 'volumes') {
      this.volumes.delete(decodeURIComponent(segments[1]!));
      return { status: 204, body: undefined };
    }
    if (segments[0] === 'images') return { status: 404, body: { message: 'No such image' } };
    return { status: 500, body: { message: `the fake engine does not know ${method} ${path}` } };
  }

  // What goes through the CLI, from memory.
  override async compose(
    target: ComposeTarget,
    args: readonly string[],
    _options?: ComposeOptions,
  ): Promise<CommandOutput> {
    this.calls.push(`compose ${args[0]} ${target.projectName}`);
    if (args[0] !== 'up') return ok();
    // Compose applies our labels override (the internal file) to everything it creates.
    const labels = Object.assign(
      {},
      ...(target.internalFiles ?? []).map((file) => {
        const override = JSON.parse(readFileSync(file, 'utf8')) as { services?: Record<string, { labels?: object }> };
        return Object.values(override.services ?? {})[0]?.labels ?? {};
      }),
    ) as Record<string, string>;
    const services = this.stacks.get(target.projectName) ?? {};
    this.addNetwork(`${target.projectName}_default`, { ...labels, 'com.docker.compose.project': target.projectName });
    for (const [service, spec] of Object.entries(services)) {
      this.addContainer(target.projectName, service, {
        labels: { ...labels },
        ...(spec.healthcheck && {
          health: spec.healthy === false ? 'unhealthy' : 'healthy',
          healthcheck: ['CMD-SHELL', 'true'],
        }),
        published: (spec.ports ?? []).map((port) => ({
          containerPort: port,
          protocol: 'tcp',
          hostIp: '127.0.0.1',
          hostPort: this.#nextPort++,
        })),
        ...(spec.networks && {
          networks: spec.networks.map((network) => ({ network, aliases: [service] })),
        }),
      });
    }
    return ok();
  }

  override glanceContainersSync(projectName: string): ContainerState[] | undefined {
    return [...this.containers.values()].filter((c) => c.project === projectName);
  }

  override async containerAction(action: ContainerAction, id: string): Promise<void> {
    this.calls.push(`${action} ${this.#name(id)}`);
    const container = this.#container(id);
    if (action === 'stop') Object.assign(container, { status: 'exited', exitCode: 0, health: undefined });
    if (action === 'pause') container.status = 'paused';
    if (action === 'unpause') container.status = 'running';
    if (action === 'start' || action === 'restart') {
      Object.assign(container, { status: 'running', exitCode: 0 });
      if (container.healthcheck) container.health = 'healthy';
      // A started container gets new ephemeral host ports.
      container.published = container.published.map((p) => ({ ...p, hostPort: this.#nextPort++ }));
    }
  }

  override async killContainer(id: string, signal: string): Promise<void> {
    this.calls.push(`kill ${this.#name(id)} ${signal}`);
    Object.assign(this.#container(id), { status: 'exited', exitCode: 137, health: undefined });
  }

  override async disconnectNetwork(id: string, network: string): Promise<void> {
    this.calls.push(`network disconnect ${network} ${this.#name(id)}`);
    const container = this.#container(id);
    container.networks = (container.networks ?? []).filter((attachment) => attachment.network !== network);
  }

  override async connectNetwork(id: string, attachment: NetworkAttachment): Promise<void> {
    this.calls.push(`network connect ${attachment.network} ${this.#name(id)} as ${attachment.aliases.join(',')}`);
    const container = this.#container(id);
    container.networks = [...(container.networks ?? []), attachment];
  }

  override async exec(id: string, command: readonly string[]): Promise<CommandOutput> {
    this.calls.push(`exec ${this.#name(id)} ${command.join(' ')}`);
    const container = this.#container(id);
    return container.status === 'running' && container.health !== 'unhealthy'
      ? ok('fine')
      : { exitCode: 1, stdout: '', stderr: 'not answering' };
  }

  override async containerLogs(id: string): Promise<string> {
    return `(log of ${this.#name(id)})`;
  }

  override async events(): Promise<EngineEvent[]> {
    return [];
  }

  override stats(): StatsSource {
    return { watch: () => ({ ready: Promise.resolve(), stop() {} }) };
  }

  override async networkSubnets(): Promise<string[]> {
    return [];
  }

  override async imagesMatching(): Promise<[]> {
    return [];
  }

  override async removeImages(): Promise<number> {
    return 0;
  }

  override async registryHas(): Promise<boolean> {
    return true;
  }

  #container(id: string): FakeContainer {
    const container = this.containers.get(id);
    if (!container) throw new Error(`No such container: ${id}`);
    return container;
  }

  #name(id: string): string {
    return this.containers.get(id)?.name ?? id;
  }
}
