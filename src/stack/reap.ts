import { dockerOk } from './docker-cli.ts';
import { LABEL, ownerIsDead } from './labels.ts';
import { isKept } from './state-dir.ts';
import { removeProjectResources } from './teardown.ts';

export interface ManagedProject {
  projectName: string;
  owner: string | undefined;
  kept: boolean;
}

/** Every Compose project carrying our label, from its containers, networks or volumes. */
export async function listManagedProjects(): Promise<ManagedProject[]> {
  const format = `{{.Label "${LABEL.project}"}}\t{{.Label "${LABEL.owner}"}}`;
  const filter = ['--filter', `label=${LABEL.managed}=true`];
  const outputs = await Promise.all([
    dockerOk(['ps', '-a', ...filter, '--format', format]),
    dockerOk(['network', 'ls', ...filter, '--format', format]),
    dockerOk(['volume', 'ls', ...filter, '--format', format]),
  ]);
  const projects = new Map<string, ManagedProject>();
  for (const line of outputs.join('\n').split('\n')) {
    const [projectName, owner] = line.split('\t');
    if (!projectName || projects.has(projectName)) continue;
    projects.set(projectName, { projectName, owner: owner || undefined, kept: isKept(projectName) });
  }
  return [...projects.values()];
}

/**
 * Removes stacks left by runs that died without cleaning up (SIGKILL, OOM, a closed laptop). A stack
 * is left alone while its owner process lives, when it is reusable, and when someone asked to keep it.
 */
export async function reap({ all = false } = {}): Promise<string[]> {
  const projects = await listManagedProjects();
  const doomed = projects.filter((project) => all || (!project.kept && ownerIsDead(project.owner)));
  await Promise.all(doomed.map((project) => removeProjectResources(project.projectName)));
  return doomed.map((project) => project.projectName);
}
