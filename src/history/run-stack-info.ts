import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { z } from 'zod';
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

const run = promisify(execFile);

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
  const fromContainers = !fromFile.images && projectName ? await inspectProject(projectName) : undefined;
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

const inspectSchema = z.array(
  z.object({
    Image: z.string(),
    Config: z.object({ Labels: z.record(z.string(), z.string()).nullable() }),
  }),
);

async function inspectProject(projectName: string): Promise<RunStackInfo | undefined> {
  const { stdout: ids } = await run(
    'docker',
    ['ps', '--all', '--quiet', '--filter', `label=com.docker.compose.project=${projectName}`],
    { timeout: 15_000 },
  );
  const containers = ids.split('\n').filter(Boolean);
  if (containers.length === 0) return undefined;
  const { stdout } = await run('docker', ['inspect', ...containers], { timeout: 15_000, maxBuffer: 64 * 1024 * 1024 });
  const images: Record<string, string> = {};
  const hashes: string[] = [];
  for (const container of inspectSchema.parse(JSON.parse(stdout))) {
    const labels = container.Config.Labels ?? {};
    const service = labels['com.docker.compose.service'];
    if (!service) continue;
    images[service] = container.Image;
    if (labels['com.docker.compose.config-hash']) hashes.push(`${service}=${labels['com.docker.compose.config-hash']}`);
  }
  const configHash =
    hashes.length > 0
      ? createHash('sha256')
          .update([...new Set(hashes)].sort().join('\n'))
          .digest('hex')
      : undefined;
  return { images, ...(configHash ? { configHash } : {}) };
}
