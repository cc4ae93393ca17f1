import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ComposeTarget } from './compose-target.ts';
import { LABEL } from './labels.ts';
import type { ResolvedConfig } from './resolved-config.ts';
import { projectStateDir, STATE_FILES } from './state-dir.ts';

/**
 * Adds our labels to every service, network and volume through one more `-f` file, so the user's
 * files stay untouched and Compose still does all the merging. JSON is valid Compose YAML.
 */
export function withLabelsOverride(target: ComposeTarget, config: ResolvedConfig, labels: Record<string, string>): ComposeTarget {
  const own = (resources: ResolvedConfig['networks']) =>
    Object.fromEntries(Object.entries(resources ?? {}).filter(([, spec]) => !spec?.external).map(([name]) => [name, { labels }]));
  const override = {
    services: Object.fromEntries(Object.keys(config.services).map((service) => [service, { labels }])),
    networks: own(config.networks),
    volumes: own(config.volumes),
  };
  const file = path.join(projectStateDir(target.projectName), STATE_FILES.labels);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(override, null, 2));
  return { ...target, internalFiles: [file] };
}

export function journeysLabels(configHash: string, owner: string): Record<string, string> {
  return { [LABEL.managed]: 'true', [LABEL.owner]: owner, [LABEL.configHash]: configHash };
}
