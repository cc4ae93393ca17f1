// A container as the engine describes it, and the pure readings of the engine's answers (`docker
// inspect`, `docker ps`, `GET /containers/json`) into it. No engine call here: see engine.ts.
import { LABEL } from './labels.ts';

export interface HealthProbe {
  start: string;
  end: string;
  exitCode: number;
  output: string;
}

/** A network a container is on, as `docker network connect` would put it back. */
export interface NetworkAttachment {
  network: string;
  aliases: string[];
  /** A fixed address from the compose file (`ipv4_address`), kept on reconnect. */
  ipv4?: string;
  /** The address it has on that network now. */
  address?: string;
}

/** One container as `docker inspect` sees it, reduced to what readiness, diagnosis and faults need. */
export interface ContainerState {
  id: string;
  name: string;
  service: string;
  status: 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';
  health?: 'starting' | 'healthy' | 'unhealthy';
  exitCode: number;
  startedAt: string;
  finishedAt: string;
  restartCount: number;
  oomKilled: boolean;
  labels: Record<string, string>;
  healthLog: HealthProbe[];
  /** Published ports: a container that starts again gets new host ports for ephemeral ones. */
  published: { containerPort: number; protocol: string; hostIp: string; hostPort: number }[];
  // From `docker inspect` (listContainers); a `docker ps` glance leaves them out.
  /** Docker's restart policy (`no`, `always`, `unless-stopped`, `on-failure`). */
  restartPolicy?: string;
  /** `["CMD", …]`, `["CMD-SHELL", "…"]`, or undefined (none, or `NONE`). */
  healthcheck?: string[];
  /** Docker's healthcheck timeout, ms. */
  healthcheckTimeoutMs?: number;
  networks?: NetworkAttachment[];
  /** The image id it runs (`sha256:…`). */
  imageId?: string;
}

/** One element of `docker inspect`'s array (`GET /containers/{id}/json`). */
export interface InspectOutput {
  Id: string;
  Name: string;
  Image?: string;
  RestartCount: number;
  Config: { Labels: Record<string, string> | null; Healthcheck?: { Test?: string[]; Timeout?: number } };
  HostConfig: { RestartPolicy?: { Name?: string } };
  State: {
    Status: ContainerState['status'];
    ExitCode: number;
    StartedAt: string;
    FinishedAt: string;
    OOMKilled: boolean;
    Health?: {
      Status: ContainerState['health'];
      Log: { Start: string; End: string; ExitCode: number; Output: string }[] | null;
    };
  };
  NetworkSettings: {
    Networks: Record<
      string,
      { Aliases?: string[] | null; IPAMConfig?: { IPv4Address?: string } | null; IPAddress?: string }
    > | null;
    Ports: Record<string, { HostIp: string; HostPort: string }[] | null> | null;
  };
}

export function toContainerState(raw: InspectOutput): ContainerState {
  const labels = raw.Config.Labels ?? {};
  const test = raw.Config.Healthcheck?.Test;
  return {
    id: raw.Id,
    name: raw.Name.replace(/^\//, ''),
    ...(raw.Image && { imageId: raw.Image }),
    service: labels[LABEL.service] ?? raw.Name,
    status: raw.State.Status,
    health: raw.State.Health?.Status,
    exitCode: raw.State.ExitCode,
    startedAt: raw.State.StartedAt,
    finishedAt: raw.State.FinishedAt,
    restartCount: raw.RestartCount,
    oomKilled: raw.State.OOMKilled,
    labels,
    healthLog: (raw.State.Health?.Log ?? []).map((probe) => ({
      start: probe.Start,
      end: probe.End,
      exitCode: probe.ExitCode,
      output: probe.Output,
    })),
    published: Object.entries(raw.NetworkSettings.Ports ?? {}).flatMap(([key, bindings]) => {
      const [port, protocol = 'tcp'] = key.split('/');
      return (bindings ?? []).map((binding) => ({
        containerPort: Number(port),
        protocol,
        hostIp: binding.HostIp,
        hostPort: Number(binding.HostPort),
      }));
    }),
    restartPolicy: raw.HostConfig.RestartPolicy?.Name || 'no',
    healthcheck: test && test.length > 0 && test[0] !== 'NONE' ? test : undefined,
    healthcheckTimeoutMs: raw.Config.Healthcheck?.Timeout ? raw.Config.Healthcheck.Timeout / 1e6 : undefined,
    networks: Object.entries(raw.NetworkSettings.Networks ?? {}).map(([network, settings]) => ({
      network,
      aliases: settings.Aliases ?? [],
      ...(settings.IPAMConfig?.IPv4Address && { ipv4: settings.IPAMConfig.IPv4Address }),
      ...(settings.IPAddress && { address: settings.IPAddress }),
    })),
  };
}

/** The last healthcheck probe Docker recorded, on one line. */
export function lastProbeOf(container: ContainerState): string | undefined {
  const probe = container.healthLog.at(-1);
  return probe ? `exit ${probe.exitCode}: ${probe.output.trim().slice(0, 300)}` : undefined;
}

/** `running (healthy)`, `exited (1)`: how progress lines and diagnoses name a state. */
export function describeState(container: ContainerState): string {
  if (container.status === 'exited' || container.status === 'dead')
    return `exited (${container.exitCode})${container.oomKilled ? ' OOM-killed' : ''}`;
  const restarts = container.restartCount > 0 ? `, ${container.restartCount} restarts` : '';
  return container.health
    ? `${container.status} (${container.health}${restarts})`
    : `${container.status}${restarts ? ` (${restarts.slice(2)})` : ''}`;
}

const GLANCE_LABELS = [LABEL.service, LABEL.configHash, LABEL.owner, LABEL.run] as const;

const GLANCE_FORMAT = [
  '{{.ID}}',
  '{{.Names}}',
  '{{.State}}',
  '{{.Status}}',
  '{{.Ports}}',
  ...GLANCE_LABELS.map((label) => `{{.Label "${label}"}}`),
].join('\t');

export const glanceArgs = (projectName: string) =>
  ['ps', '-a', '--no-trunc', '--filter', `label=${LABEL.project}=${projectName}`, '--format', GLANCE_FORMAT] as const;

/** What `GET /containers/json` lists per container (the fields a glance reads). */
export interface ApiContainer {
  Id: string;
  Names?: string[];
  State: string;
  Status: string;
  Labels?: Record<string, string>;
  Ports?: { IP?: string; PrivatePort: number; PublicPort?: number; Type: string }[];
}

export function fromApi(container: ApiContainer): ContainerState {
  return glanced({
    id: container.Id,
    name: (container.Names?.[0] ?? container.Id).replace(/^\//, ''),
    state: container.State,
    status: container.Status,
    labels: container.Labels ?? {},
    published: (container.Ports ?? [])
      .filter((port) => port.PublicPort !== undefined)
      .map((port) => ({
        containerPort: port.PrivatePort,
        protocol: port.Type,
        hostIp: port.IP ?? '',
        hostPort: port.PublicPort!,
      })),
  });
}

/** What a glance knows of a container, from the API or from `docker ps`: no health log, restarts or OOM flag. */
function glanced(seen: {
  id: string;
  name: string;
  state: string;
  status: string;
  labels: Record<string, string>;
  published: ContainerState['published'];
}): ContainerState {
  const labels = Object.fromEntries(
    GLANCE_LABELS.flatMap((label) => (seen.labels[label] ? [[label, seen.labels[label]]] : [])),
  );
  return {
    ...fromStatusText(seen.status),
    id: seen.id,
    name: seen.name,
    service: labels[LABEL.service] ?? seen.name,
    status: seen.state as ContainerState['status'],
    startedAt: '',
    finishedAt: '',
    restartCount: 0,
    oomKilled: false,
    labels,
    healthLog: [],
    published: seen.published,
  };
}

/** Health and exit code as `docker ps` shows them: "Up 3 seconds (healthy)", "Exited (1) 2 seconds ago". */
function fromStatusText(status: string): Pick<ContainerState, 'health' | 'exitCode'> {
  const health =
    /\((healthy|unhealthy)\)/.exec(status)?.[1] ?? (/\(health: starting\)/.test(status) ? 'starting' : undefined);
  return {
    health: health as ContainerState['health'],
    exitCode: Number(/^Exited \((-?\d+)\)/.exec(status)?.[1] ?? 0),
  };
}

export function sortContainers(containers: ContainerState[]): ContainerState[] {
  return containers.sort((a, b) => a.service.localeCompare(b.service) || a.name.localeCompare(b.name));
}

/** `docker ps --format <glanceArgs>` output, a container a line. */
export function parseGlance(output: string): ContainerState[] {
  const containers = output
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [id = '', name = '', state = '', status = '', ports = '', ...labelValues] = line.split('\t');
      const labels = Object.fromEntries(GLANCE_LABELS.map((label, index) => [label, labelValues[index] ?? '']));
      return glanced({ id, name, state, status, labels, published: parsePorts(ports) });
    });
  return sortContainers(containers);
}

/** `127.0.0.1:32768->8080/tcp, 127.0.0.1:32770-32771->9000-9001/tcp` (docker collapses consecutive ranges). */
export function parsePorts(text: string): ContainerState['published'] {
  const published: ContainerState['published'] = [];
  for (const item of text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)) {
    const match = /^(.*):(\d+)(?:-(\d+))?->(\d+)(?:-(\d+))?\/(\w+)$/.exec(item);
    if (!match) continue; // exposed but not published
    const [, hostIp = '', hostFrom, hostTo, containerFrom, , protocol = 'tcp'] = match;
    const count = hostTo ? Number(hostTo) - Number(hostFrom) + 1 : 1;
    for (let offset = 0; offset < count; offset++) {
      published.push({
        containerPort: Number(containerFrom) + offset,
        protocol,
        hostIp: hostIp === '::' ? '::' : hostIp.replace(/^\[|\]$/g, ''),
        hostPort: Number(hostFrom) + offset,
      });
    }
  }
  return published;
}
