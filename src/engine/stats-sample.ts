// One reading of a container's cgroup as the engine's stats stream reports it, reduced to what a
// journey's resource figures need: memory in use (as `docker stats` counts it) and CPU time so far.
import { parseBytes } from '../util/bytes.ts';

export interface StatsSample {
  /** When the engine read it (ms since the epoch). */
  readonly at: number;
  /** In use, without the page cache the kernel can drop (what `docker stats` shows). */
  readonly memoryBytes: number;
  /** The container's memory limit; undefined when none is set (the engine then reports the host's memory). */
  readonly memoryLimitBytes?: number;
  /** CPU time used since the container started, ns. */
  readonly cpuNs: number;
}

interface EngineStats {
  read?: string;
  cpu_stats?: { cpu_usage?: { total_usage?: number } };
  memory_stats?: {
    usage?: number;
    limit?: number;
    stats?: Record<string, number>;
  };
}

/**
 * A sample from one JSON document of `GET /containers/{id}/stats`; undefined for the zeroed document
 * the engine sends for a stopped container. `hostMemoryBytes` tells a real limit from "no limit".
 */
export function parseStatsSample(raw: unknown, hostMemoryBytes?: number): StatsSample | undefined {
  const stats = raw as EngineStats;
  const usage = stats.memory_stats?.usage;
  const cpu = stats.cpu_stats?.cpu_usage?.total_usage;
  const at = stats.read ? Date.parse(stats.read) : Number.NaN;
  if (!usage || cpu === undefined || !Number.isFinite(at) || at <= 0) return undefined;
  // As the docker CLI does: cgroup v2 reports inactive_file, v1 total_inactive_file.
  const cache = stats.memory_stats?.stats?.inactive_file ?? stats.memory_stats?.stats?.total_inactive_file ?? 0;
  const limit = stats.memory_stats?.limit;
  return {
    at,
    memoryBytes: Math.max(0, usage - (cache < usage ? cache : 0)),
    ...(limit && limit !== hostMemoryBytes && limit < 2 ** 62 && { memoryLimitBytes: limit }),
    cpuNs: cpu,
  };
}

/** One line of `docker stats --format '{{json .}}'` (the CLI path: remote engines), as a sample at `at`. */
export function parseCliStatsLine(
  line: string,
  at: number,
): { container: string; memoryBytes: number; cpuPercent: number } | undefined {
  let raw: { ID?: string; Container?: string; MemUsage?: string; CPUPerc?: string };
  try {
    raw = JSON.parse(line);
  } catch {
    return undefined;
  }
  // `12.5MiB / 1.9GiB`: the limit column shows the host's memory when none is set, so only the use is read.
  const used = parseBytes((raw.MemUsage ?? '').split('/')[0] ?? '');
  const cpuPercent = Number.parseFloat((raw.CPUPerc ?? '').replace('%', ''));
  const container = raw.ID ?? raw.Container;
  if (!container || used === undefined || !Number.isFinite(cpuPercent) || at <= 0) return undefined;
  return { container, memoryBytes: used, cpuPercent };
}
