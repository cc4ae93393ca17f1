import { z } from 'zod';

/** z for a two-sided 95 % interval. */
const Z_95 = 1.959963984540054;

/**
 * A rate as a count over its sample size, with its 95 % Wilson score interval: "5 of 20 (25 %,
 * 11–47 %)" says how sure the 25 % is, which a bare 25 % does not. Wilson rather than the normal
 * approximation because it stays inside [0, 1] and is honest at 0 of n and n of n, the common
 * cases for journeys (a journey that never failed in 10 runs may still fail 1 time in 4).
 */
export const sampleRateSchema = z.object({
  /** Samples that had the outcome counted (failed an attempt). */
  count: z.number().int().min(0),
  /** n: the samples it is out of. */
  samples: z.number().int().min(0),
  /** count ÷ samples, 0 when there are none. */
  rate: z.number().min(0).max(1),
  /** The 95 % Wilson score interval; [0, 1] when there are no samples (nothing is known). */
  low: z.number().min(0).max(1),
  high: z.number().min(0).max(1),
});
export type SampleRate = z.infer<typeof sampleRateSchema>;

export function wilsonInterval(count: number, samples: number, z = Z_95): { low: number; high: number } {
  if (!Number.isInteger(count) || !Number.isInteger(samples) || count < 0 || samples < 0 || count > samples)
    throw new RangeError(`wilsonInterval needs 0 ≤ count ≤ samples (whole numbers), got ${count} of ${samples}`);
  if (samples === 0) return { low: 0, high: 1 };
  const p = count / samples;
  const z2 = z * z;
  const denominator = 1 + z2 / samples;
  const centre = (p + z2 / (2 * samples)) / denominator;
  const half = (z * Math.sqrt((p * (1 - p)) / samples + z2 / (4 * samples * samples))) / denominator;
  // At 0 of n and n of n the bound is exactly 0 (or 1); floating point would leave 1e-17.
  return {
    low: count === 0 ? 0 : Math.max(0, centre - half),
    high: count === samples ? 1 : Math.min(1, centre + half),
  };
}

/** The rate with its interval, rounded to 4 decimals for reports. */
export function sampleRate(count: number, samples: number): SampleRate {
  const { low, high } = wilsonInterval(count, samples);
  return { count, samples, rate: samples ? round(count / samples) : 0, low: round(low), high: round(high) };
}

/** `25 % (5 of 20, 95 % CI 11–47 %)`. */
export function formatSampleRate(rate: SampleRate): string {
  if (rate.samples === 0) return 'no samples';
  const pct = (value: number) => Math.round(value * 100);
  return `${pct(rate.rate)} % (${rate.count} of ${rate.samples}, 95 % CI ${pct(rate.low)}–${pct(rate.high)} %)`;
}

function round(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}
