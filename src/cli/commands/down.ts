import { removeProjectResources } from '../../stack/teardown.ts';
import { type Command, projectNameOf } from '../context.ts';

/**
 * Removes the project by its labels: containers with their anonymous volumes (`rm -f -v`, no
 * graceful stop), then networks and named volumes. No compose file is read, nothing is reaped.
 */
export const run: Command = async (context) => {
  const projectName = await projectNameOf(context);
  const removed = await removeProjectResources(projectName);
  context.log(removed === 0 ? `nothing to remove for ${projectName}` : `removed ${projectName}`);
  return 0;
};
