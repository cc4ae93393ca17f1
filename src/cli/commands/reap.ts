import { currentEngine } from '../../engine/current-engine.ts';
import { thisMachine } from '../../run/run-identity.ts';
import { userName } from '../../run/watchdog.ts';
import { describeOwner, type ReapScope, reap } from '../../stack/reap.ts';
import type { Command } from '../context.ts';

export const run: Command = async ({ values, log, out }) => {
  if (values.all && values['other-owners']) {
    log('--all and --other-owners: --other-owners already includes what --all removes');
  }
  const scope: ReapScope = values['other-owners'] ? 'other-owners' : values.all ? 'all' : 'dead';
  const engine = currentEngine();
  await engine.version(); // DOCKER_UNAVAILABLE before anything else
  // -p scopes the reap to one project (the rules stay the same).
  const only = values['project-name'] ? [values['project-name']] : undefined;
  const { removed, left } = await reap({ scope, only, engine });
  const me = `${userName()}@${thisMachine().host}`;
  if (scope === 'all')
    log(`--all: removing only stacks started by ${me} whose run is over (kept and reusable ones included)`);
  for (const project of removed) {
    const mine = project.mine ? '' : `  [other owner: ${describeOwner(project)}]`;
    out(
      `removed ${project.projectName}  (${project.status.state === 'gone' ? project.status.why : project.status.state === 'unknown' ? project.status.why : 'owner alive'})${mine}`,
    );
  }
  if (removed.length === 0) log('nothing to reap');
  for (const { project, why } of left) log(`left ${project.projectName}: ${why}`);
  const others = left.filter(({ project }) => !project.mine && project.status.state !== 'alive');
  if (scope !== 'other-owners' && others.length > 0)
    log(
      `${others.length} stack(s) of other owners left; \`journeys reap --other-owners\` removes them (and prints each)`,
    );
  return 0;
};
