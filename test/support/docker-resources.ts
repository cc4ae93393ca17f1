import { execFileSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';

const list = (kind: 'ps' | 'network' | 'volume', filters: string[]) => {
  const args = kind === 'ps' ? ['ps', '-aq', ...filters] : [kind, 'ls', '-q', ...filters];
  return execFileSync('docker', args, { encoding: 'utf8' }).split('\n').filter(Boolean);
};

/** What exists on the engine for a project: containers, networks and volumes. */
export function projectResources(projectName: string): { containers: string[]; networks: string[]; volumes: string[] } {
  const filter = ['--filter', `label=com.docker.compose.project=${projectName}`];
  return { containers: list('ps', filter), networks: list('network', filter), volumes: list('volume', filter) };
}

/** The id of a service's (first) container in a project. */
export function serviceContainer(projectName: string, service: string): string {
  const [id] = list('ps', [
    '--filter',
    `label=com.docker.compose.project=${projectName}`,
    '--filter',
    `label=com.docker.compose.service=${service}`,
  ]);
  if (!id) throw new Error(`no container of service "${service}" in project ${projectName}`);
  return id;
}

export function resourceCount(projectName: string): number {
  const found = projectResources(projectName);
  return found.containers.length + found.networks.length + found.volumes.length;
}

export async function waitFor(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(100);
  }
}

export interface InspectedContainer {
  Name: string;
  State: { StartedAt: string; Health?: { Log: { Start: string; End: string; ExitCode: number }[] } };
  Config: { Labels: Record<string, string> };
}

export function inspectProject(projectName: string): InspectedContainer[] {
  const ids = list('ps', ['--filter', `label=com.docker.compose.project=${projectName}`]);
  return JSON.parse(execFileSync('docker', ['inspect', ...ids], { encoding: 'utf8' })) as InspectedContainer[];
}
