// Puts the egress guard into a stack that declares `x-journeys.egress: none` (see guard-script.ts).
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ComposeTarget } from '../engine/compose.ts';
import type { Engine } from '../engine/engine.ts';
import { NODE_IMAGE } from '../provision/base-image-names.ts';
import { stateFile } from '../run/state-files.ts';
import type { ResolvedConfig } from '../stack/resolved-config.ts';
import { egressOverride } from './egress-override.ts';
import { pickGuardSubnet } from './egress-subnet.ts';
import { GUARD_SERVICE } from './guard-script.ts';

/** The guard's image where a registry answers: a stock Node. Without one, the offline base image `journeys provision` makes. */
export const GUARD_IMAGE = 'node:24-alpine';

export function declaresNoEgress(config: ResolvedConfig): boolean {
  return config['x-journeys']?.egress === 'none';
}

/** The guard service of a stack that declares no egress; undefined otherwise. */
export function egressGuardOf(config: ResolvedConfig): string | undefined {
  return declaresNoEgress(config) ? GUARD_SERVICE : undefined;
}

/** The target with the guard's override after the others; the target as it is when the stack declares no egress limit. */
export async function withEgressGuard(
  engine: Engine,
  target: ComposeTarget,
  config: ResolvedConfig,
  labels: Record<string, string>,
): Promise<ComposeTarget> {
  if (!declaresNoEgress(config)) return target;
  const [subnets, image] = await Promise.all([engine.networkSubnets(), guardImage(engine)]);
  const override = egressOverride({ services: config.services, subnet: pickGuardSubnet(subnets), image, labels });
  const file = path.join(path.dirname(stateFile(target.projectName, 'labels')), 'egress.compose.json');
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(override, null, 2));
  return { ...target, internalFiles: [...(target.internalFiles ?? []), file] };
}

/** A Node image that is here already (stock first, then ours); the stock one (Compose pulls it) when neither is. */
async function guardImage(engine: Engine): Promise<string> {
  const absent = await engine.absentImages([GUARD_IMAGE, NODE_IMAGE]);
  return [GUARD_IMAGE, NODE_IMAGE].find((image) => !absent.has(image)) ?? GUARD_IMAGE;
}
