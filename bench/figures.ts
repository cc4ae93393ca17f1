/** How every bench prints: one line per figure, the baseline measured in the same run. */
export function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export const median = (samples: number[]) => percentile(samples, 50);

export function printLatency(name: string, samplesMs: number[], digits = 1): void {
  console.log(
    `${name} p50=${median(samplesMs).toFixed(digits)} ms p95=${percentile(samplesMs, 95).toFixed(digits)} ms (n=${samplesMs.length})`,
  );
}

/** What ours adds to the baseline at p95 (same run, interleaved), in ms. */
export function printP95Delta(
  name: string,
  oursMs: number[],
  baselineMs: number[],
  oursName = 'ours',
  baselineName = 'baseline',
): void {
  const ours = percentile(oursMs, 95);
  const base = percentile(baselineMs, 95);
  console.log(
    `${name} p95-delta=${(ours - base).toFixed(2)} ms (${oursName} p95 ${ours.toFixed(2)} ms, ${baselineName} p95 ${base.toFixed(2)} ms, n=${oursMs.length}/${baselineMs.length})`,
  );
}

export function printRatio(name: string, oursMs: number[], baselineMs: number[], baselineName = 'baseline'): void {
  const ours = median(oursMs);
  const base = median(baselineMs);
  console.log(
    `${name} ratio=${(ours / base).toFixed(2)} (ours ${(ours / 1000).toFixed(2)} s, ${baselineName} ${(base / 1000).toFixed(2)} s, medians of ${oursMs.length}/${baselineMs.length})`,
  );
}

export async function timed(action: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await action();
  return performance.now() - started;
}
