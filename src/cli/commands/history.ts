import { JourneysError } from '../../errors.ts';
import { runHistoryCommand } from '../../history/history-command.ts';
import type { Command } from '../context.ts';

export const run: Command = async ({ values, out, log }) => {
  const last = values.last === undefined ? undefined : Number(values.last);
  if (last !== undefined && (!Number.isInteger(last) || last < 1))
    throw new JourneysError('USAGE', `--last must be a whole number of runs (1 or more), got "${values.last}".`);
  return runHistoryCommand({ last, json: values.json, html: values.html, url: values.url, out, log });
};
