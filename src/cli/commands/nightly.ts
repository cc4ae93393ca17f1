import { JourneysError } from '../../errors.ts';
import { parseShard } from '../../nightly/nightly-plan.ts';
import { runNightlyReport } from '../../nightly/nightly-report.ts';
import { runNightlyShard } from '../../nightly/nightly-shard.ts';
import type { Command } from '../context.ts';

/** `journeys nightly shard CURRENT/TOTAL [-- ARGS]` and `journeys nightly report BLOB_DIR`: what a nightly workflow runs. */
export const run: Command = async ({ values, args, log, out }) => {
  const [step, ...rest] = args;
  const options = { config: values.config, reports: values.reports, url: values.url };
  if (step === 'shard') {
    const [shard, ...playwrightArgs] = rest;
    return runNightlyShard(parseShard(shard), playwrightArgs, options, log);
  }
  if (step === 'report') {
    if (rest.length !== 1)
      throw new JourneysError(
        'USAGE',
        `journeys nightly report wants one folder of blob reports (the shards' blob-report folders, downloaded into one), got ${rest.length ? rest.join(' ') : 'none'}.`,
      );
    const last = values.last === undefined ? undefined : Number(values.last);
    if (last !== undefined && (!Number.isInteger(last) || last < 1))
      throw new JourneysError('USAGE', `--last must be a whole number of runs (1 or more), got "${values.last}".`);
    return runNightlyReport(rest[0]!, { ...options, ...(last ? { last } : {}) }, { log, out });
  }
  throw new JourneysError(
    'USAGE',
    `journeys nightly wants a step, "shard CURRENT/TOTAL" or "report BLOB_DIR", got ${step ? `"${step}"` : 'none'}. See journeys nightly --help.`,
  );
};
