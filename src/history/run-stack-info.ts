import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { currentEngine } from '../engine/current-engine.ts';
import type { Engine } from '../engine/engine.ts';
import { LABEL } from '../engine/labels.ts';
import { readVariable, VARIABLES } from '../run/environment.ts';

export interface RunStackInfo {
  configHash?: string;
  /** Compose service → image id. */
  images?: Record<string, string>;
}

const stackInfoFileSchema = z.object({
  configHash: z.string().optional(),
  images: z.record(z.string(), z.string()).optional(),
  projectName: z.string().optional(),
});

/**
 * The stack a run ran on. From the file named by JOURNEYS_HISTORY_STACK_INFO (or `file`); when a
 * Compose project name is known (`projectName`, or the file's) and images are missing, from the
 * project's containers: each service's image id, and a config hash over Compose's own per-service
 * `com.docker.compose.config-hash` labels. Undefined when there is nothing to go on.
 */
export async function readRunStackInfo(
  options: { file?: string; projectName?: string } = {},
): Promise<RunStackInfo | undefined> {
  const file = options.file ?? readVariable('historyStackInfo');
  let fromFile: z.infer<typeof stackInfoFileSchema> = {};
  if (file) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new Error(
        `${VARIABLES.historyStackInfo.name}=${file}: cannot read it (${(error as Error).message}). Fix: point it at the stack info JSON file, or unset it.`,
      );
    }
    const parsed = stackInfoFileSchema.safeParse(safeJson(text));
    if (!parsed.success)
      throw new Error(
        `${file} (${VARIABLES.historyStackInfo.name}) is not stack info: ${z.prettifyError(parsed.error)}. Fix: write { "configHash": "…", "images": { "service": "sha256:…" } }.`,
      );
    fromFile = parsed.data;
  }
  const projectName = options.projectName ?? fromFile.projectName;
  const fromContainers =
    !fromFile.images && projectName ? await inspectProject(currentEngine(), projectName) : undefined;
  const configHash = fromFile.configHash ?? fromContainers?.configHash;
  const images = fromFile.images ?? fromContainers?.images;
  if (!configHash && !images) return undefined;
  return { ...(configHash ? { configHash } : {}), ...(images ? { images } : {}) };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

async function inspectProject(engine: Engine, projectName: string): Promise<RunStackInfo | undefined> {
  const containers = await engine.listContainers(projectName);
  if (containers.length === 0) return undefined;
  const images: Record<string, string> = {};
  const hashes: string[] = [];
  for (const container of containers) {
    const service = container.labels[LABEL.service];
    if (!service || !container.imageId) continue;
    images[service] = container.imageId;
    const hash = container.labels['com.docker.compose.config-hash'];
    if (hash) hashes.push(`${service}=${hash}`);
  }
  const configHash =
    hashes.length > 0
      ? createHash('sha256')
          .update([...new Set(hashes)].sort().join('\n'))
          .digest('hex')
      : undefined;
  return { images, ...(configHash ? { configHash } : {}) };
}
