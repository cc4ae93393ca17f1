import { docker } from '../../stack/docker-cli.ts';
import { reap } from '../../stack/reap.ts';
import type { Command } from '../context.ts';

export const run: Command = async ({ values, log }) => {
  await docker(['version', '--format', '{{.Server.Version}}']);
  const removed = await reap({ all: values.all });
  log(removed.length === 0 ? 'nothing to reap' : `removed ${removed.join(', ')}`);
  return 0;
};
