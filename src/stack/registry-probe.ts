import type { Engine } from '../engine/engine.ts';

let cached: boolean | undefined;

/**
 * Whether an image registry answers, asked the way `docker pull` would (the CLI's registry config
 * and credentials). Offline machines fail at DNS within milliseconds; the answer is kept per process.
 */
export async function registryReachable(
  engine: Pick<Engine, 'registryHas'>,
  image = 'hello-world:latest',
): Promise<boolean> {
  cached ??= await engine.registryHas(image);
  return cached;
}
