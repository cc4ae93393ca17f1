import { docker } from './docker-cli.ts';

let cached: boolean | undefined;

/**
 * Whether an image registry answers, asked the way `docker pull` would (the CLI's registry config
 * and credentials). Offline machines fail at DNS within milliseconds; the answer is kept per process.
 */
export async function registryReachable(image = 'hello-world:latest'): Promise<boolean> {
  if (cached !== undefined) return cached;
  const result = await docker(['manifest', 'inspect', image], { timeoutMs: 8_000 });
  cached = result.exitCode === 0;
  return cached;
}
