import { docker, dockerOk } from './docker-cli.ts';
import { LABEL } from './labels.ts';

export interface HealthProbe {
  start: string;
  end: string;
  exitCode: number;
  output: string;
}

/** One container as `docker inspect` sees it, reduced to what readiness and diagnosis need. */
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
  published: { containerPort: number; protocol: string; hostIp: string; hostPort: number }[];
}

interface InspectOutput {
  Id: string;
  Name: string;
  RestartCount: number;
  Config: { Labels: Record<string, string> | null };
  State: {
    Status: ContainerState['status'];
    ExitCode: number;
    StartedAt: string;
    FinishedAt: string;
    OOMKilled: boolean;
    Health?: { Status: ContainerState['health']; Log: { Start: string; End: string; ExitCode: number; Output: string }[] | null };
  };
  NetworkSettings: { Ports: Record<string, { HostIp: string; HostPort: string }[] | null> | null };
}

/** All containers of a project, stopped ones included, in two docker calls. */
export async function listContainers(projectName: string): Promise<ContainerState[]> {
  const ids = (await dockerOk(['ps', '-aq', '--no-trunc', '--filter', `label=${LABEL.project}=${projectName}`])).split('\n').filter(Boolean);
  if (ids.length === 0) return [];
  // A container can vanish between the two calls (teardown racing a progress poll): inspect what is left.
  const result = await docker(['inspect', ...ids]);
  const parsed = JSON.parse(result.stdout || '[]') as InspectOutput[];
  return parsed.map(toContainerState).sort((a, b) => a.service.localeCompare(b.service) || a.name.localeCompare(b.name));
}

function toContainerState(raw: InspectOutput): ContainerState {
  const labels = raw.Config.Labels ?? {};
  return {
    id: raw.Id,
    name: raw.Name.replace(/^\//, ''),
    service: labels[LABEL.service] ?? raw.Name,
    status: raw.State.Status,
    health: raw.State.Health?.Status,
    exitCode: raw.State.ExitCode,
    startedAt: raw.State.StartedAt,
    finishedAt: raw.State.FinishedAt,
    restartCount: raw.RestartCount,
    oomKilled: raw.State.OOMKilled,
    labels,
    healthLog: (raw.State.Health?.Log ?? []).map((probe) => ({ start: probe.Start, end: probe.End, exitCode: probe.ExitCode, output: probe.Output })),
    published: Object.entries(raw.NetworkSettings.Ports ?? {}).flatMap(([key, bindings]) => {
      const [port, protocol = 'tcp'] = key.split('/');
      return (bindings ?? []).map((binding) => ({ containerPort: Number(port), protocol, hostIp: binding.HostIp, hostPort: Number(binding.HostPort) }));
    }),
  };
}

/** `running (healthy)`, `exited (1)`: how progress lines and diagnoses name a state. */
export function describeState(container: ContainerState): string {
  if (container.status === 'exited' || container.status === 'dead') return `exited (${container.exitCode})${container.oomKilled ? ' OOM-killed' : ''}`;
  const restarts = container.restartCount > 0 ? `, ${container.restartCount} restarts` : '';
  return container.health ? `${container.status} (${container.health}${restarts})` : `${container.status}${restarts ? ` (${restarts.slice(2)})` : ''}`;
}
