// A journey's resource figures, per service: the peak memory and the CPU time between two moments,
// from the samples a worker's stats watch collected (about one a second per container).
import type { StatsSample } from '../engine/stats-sample.ts';

export interface ServiceUsage {
  readonly service: string;
  /** The highest memory in use in a sample of the window (the last one before it when none fell in it: a journey shorter than the interval). */
  readonly peakMemoryBytes: number;
  /** When that peak was read. */
  readonly peakAt: number;
  /** CPU time the service used between the window's first and last samples, ms. */
  readonly cpuMs: number;
  readonly memoryLimitBytes?: number;
  /** Samples that fell in the window. */
  readonly samples: number;
}

/** Samples kept per service: ten minutes at the engine's one a second. */
const KEEP = 600;

export class ResourceSamples {
  readonly #byService = new Map<string, StatsSample[]>();

  add(service: string, sample: StatsSample): void {
    const samples = this.#byService.get(service) ?? [];
    if (samples.length === 0) this.#byService.set(service, samples);
    // A restarted container's CPU counter starts again from zero: keep it monotonic for the deltas.
    const last = samples.at(-1);
    if (last && sample.at <= last.at) return;
    samples.push(sample);
    if (samples.length > KEEP) samples.splice(0, samples.length - KEEP);
  }

  get services(): string[] {
    return [...this.#byService.keys()].sort();
  }

  /**
   * Usage from `since` to `until` (ms). Each end is the nearest sample at or before it, so a journey
   * shorter than the sampling interval still gets figures (those of the moments around it).
   */
  usage(since: number, until: number): ServiceUsage[] {
    return this.services.flatMap((service) => {
      const samples = this.#byService.get(service)!;
      const before = lastAtOrBefore(samples, since);
      const inside = samples.filter((sample) => sample.at > since && sample.at <= until);
      const considered = [...(before ? [before] : []), ...inside];
      if (considered.length === 0) return [];
      // The sample before the window shows what an earlier journey left; it stands in only when none fell inside.
      const peak = (inside.length > 0 ? inside : considered).reduce((high, sample) =>
        sample.memoryBytes > high.memoryBytes ? sample : high,
      );
      const first = considered[0]!;
      const last = considered.at(-1)!;
      // A counter that went back: the container restarted in the window; count what the new one used.
      const cpuNs = last.cpuNs >= first.cpuNs ? last.cpuNs - first.cpuNs : last.cpuNs;
      const limit = last.memoryLimitBytes;
      return [
        {
          service,
          peakMemoryBytes: peak.memoryBytes,
          peakAt: peak.at,
          cpuMs: Math.round(cpuNs / 1e6),
          ...(limit !== undefined && { memoryLimitBytes: limit }),
          samples: inside.length,
        },
      ];
    });
  }
}

function lastAtOrBefore(samples: readonly StatsSample[], at: number): StatsSample | undefined {
  for (let i = samples.length - 1; i >= 0; i--) if (samples[i]!.at <= at) return samples[i];
  return undefined;
}
