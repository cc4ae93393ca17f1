import { type NightlyOptions, type Shard, shardInvocation } from './nightly-plan.ts';
import { runPlaywright } from './playwright-process.ts';

/**
 * `journeys nightly shard 2/3 [-- ARGS]`: one CI job's share of the journeys, as a blob report for
 * the report step; resolves to Playwright's exit code, so the job is red when a journey failed
 * (and green when every failure was a quarantined journey).
 */
export async function runNightlyShard(
  shard: Shard,
  playwrightArgs: readonly string[],
  options: NightlyOptions,
  log: (line: string) => void,
): Promise<number> {
  const { args, env, records } = shardInvocation(shard, playwrightArgs, options);
  log(
    `shard ${shard.current}/${shard.total}: playwright ${args.join(' ')} (blob report in ${env.PLAYWRIGHT_BLOB_OUTPUT_DIR}; run history ${records ? 'recorded by this shard' : 'read only, the report step records'})`,
  );
  return runPlaywright(args, env);
}
