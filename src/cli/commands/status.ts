import { describeState } from '../../engine/container-state.ts';
import { currentEngine } from '../../engine/current-engine.ts';
import { isKept } from '../../run/state-files.ts';
import { endpointsOf } from '../../stack/endpoints.ts';
import { describeOwner, listManagedProjects } from '../../stack/reap.ts';
import type { Command } from '../context.ts';

export const run: Command = async ({ values, out }) => {
  const engine = currentEngine();
  const projects = await listManagedProjects(engine);
  const rows = await Promise.all(
    projects.map(async (project) => ({
      ...project,
      kept: project.kept || isKept(project.projectName),
      containers: await engine.listContainers(project.projectName),
    })),
  );
  if (values.json) {
    out(
      JSON.stringify(
        rows.map((row) => ({ ...row, endpoints: endpointsOf(row.containers, engine.endpoint) })),
        null,
        2,
      ),
    );
    return 0;
  }
  if (rows.length === 0) out('no stacks started by compose-journeys on this engine');
  for (const row of rows) {
    const run = row.status.state === 'alive' ? 'run alive' : row.status.state === 'gone' ? 'run over' : 'run unknown';
    out(
      `${row.projectName}  owner=${row.owner ?? '?'}  ${describeOwner(row)}  ${run}${row.kept ? '  kept' : ''}${row.reusable ? '  reusable' : ''}`,
    );
    for (const container of row.containers) out(`  ${container.service.padEnd(20)} ${describeState(container)}`);
    for (const endpoint of endpointsOf(row.containers, engine.endpoint))
      out(`  → ${endpoint.service}:${endpoint.containerPort} ${endpoint.url}`);
  }
  return 0;
};
