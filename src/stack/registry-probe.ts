import type { CommandResult } from '../util/run-command.ts';
import { docker } from './docker-cli.ts';

let cached: boolean | undefined;

type DockerRun = (args: readonly string[]) => Promise<CommandResult>;
const PROBE_TIMEOUT_MS = 8_000;

/**
 * Whether an image registry answers, asked the way `docker pull` would (the CLI's registry config
 * and credentials). Offline machines fail at DNS within milliseconds; the answer is kept per process.
 */
export async function registryReachable(
  image = 'hello-world:latest',
  run: DockerRun = (args) => docker(args, { timeoutMs: PROBE_TIMEOUT_MS }),
): Promise<boolean> {
  if (cached !== undefined) return cached;
  const result = await run(['manifest', 'inspect', image]);
  cached = result.exitCode === 0;
  return cached;
}
