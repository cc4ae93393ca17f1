// Puts the egress guard into a stack that declares `x-journeys.egress: none` (see guard-script.ts).
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { NODE_IMAGE } from '../provision/base-image-names.ts';
import { stateFile } from '../run/state-files.ts';
import type { ComposeTarget } from '../stack/compose-target.ts';
import { docker } from '../stack/docker-cli.ts';
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
  target: ComposeTarget,
  config: ResolvedConfig,
  labels: Record<string, string>,
): Promise<ComposeTarget> {
  if (!declaresNoEgress(config)) return target;
  const [subnets, image] = await Promise.all([usedSubnets(), guardImage()]);
  const override = egressOverride({ services: config.services, subnet: pickGuardSubnet(subnets), image, labels });
  const file = path.join(path.dirname(stateFile(target.projectName, 'labels')), 'egress.compose.json');
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(override, null, 2));
  return { ...target, internalFiles: [...(target.internalFiles ?? []), file] };
}

async function usedSubnets(): Promise<string[]> {
  const ids = (await docker(['network', 'ls', '-q'])).stdout.split('\n').filter(Boolean);
  if (ids.length === 0) return [];
  const result = await docker(['network', 'inspect', '--format', '{{range .IPAM.Config}}{{.Subnet}} {{end}}', ...ids]);
  return result.stdout.split(/\s+/).filter(Boolean);
}

/** A Node image that is here already (stock first, then ours); the stock one (Compose pulls it) when neither is. */
async function guardImage(): Promise<string> {
  for (const image of [GUARD_IMAGE, NODE_IMAGE])
    if ((await docker(['image', 'inspect', '--format', '{{.Id}}', image])).exitCode === 0) return image;
  return GUARD_IMAGE;
}
