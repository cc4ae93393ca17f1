// `failing: { share, answer, seed, cycle }`: which requests of a cycle fail. A tiny seeded PRNG picks
// exactly round(share × cycle) of them, so a flaky provider is reproducible: the same seed fails the
// same requests on every run and every machine (Math.random would not).

import { mulberry32 } from '../util/mulberry32.ts';
import type { FailingShare } from './types.ts';

/** The seed when none is given: a failing stub is reproducible even when nobody chose one. */
export const DEFAULT_FAILING_SEED = 1;
/** The cycle when none is given: long enough for shares in steps of 5 %. */
export const DEFAULT_FAILING_CYCLE = 20;
/** Each step is a mapping (two for a journey's stub): a longer cycle would flood WireMock. */
export const MAX_FAILING_CYCLE = 1000;

/** A `failing` option that cannot mean anything throws, naming the field. */
export function assertFailingShare(failing: unknown): asserts failing is FailingShare {
  if (!failing || typeof failing !== 'object' || Array.isArray(failing))
    throw new Error(
      'stub({ failing }): { share, answer, seed?, cycle? }, e.g. { share: 0.3, answer: { status: 503 }, seed: 42 }.',
    );
  const { share, answer, seed, cycle, ...unknown } = failing as Record<string, unknown>;
  const extra = Object.keys(unknown);
  if (extra.length > 0)
    throw new Error(
      `stub({ failing }): unknown field${extra.length > 1 ? 's' : ''} ${extra.map((key) => `"${key}"`).join(', ')}; failing has share, answer, seed, cycle.`,
    );
  if (typeof share !== 'number' || !Number.isFinite(share) || share <= 0 || share > 1)
    throw new Error(
      `stub({ failing: { share } }): more than 0 and at most 1 (0.3 for 30 %), got ${JSON.stringify(share) ?? String(share)}.`,
    );
  if (!answer || typeof answer !== 'object' || Array.isArray(answer))
    throw new Error(
      `stub({ failing: { answer } }): what a failing request gets, e.g. { status: 503 } or { fault: 'CONNECTION_RESET_BY_PEER' }; got ${JSON.stringify(answer) ?? String(answer)}.`,
    );
  if (seed !== undefined && !Number.isSafeInteger(seed))
    throw new Error(`stub({ failing: { seed } }): a whole number, got ${JSON.stringify(seed) ?? String(seed)}.`);
  if (
    cycle !== undefined &&
    (!Number.isInteger(cycle) || (cycle as number) < 1 || (cycle as number) > MAX_FAILING_CYCLE)
  )
    throw new Error(
      `stub({ failing: { cycle } }): a whole number of requests from 1 to ${MAX_FAILING_CYCLE}, got ${JSON.stringify(cycle) ?? String(cycle)}.`,
    );
  const steps = (cycle as number | undefined) ?? DEFAULT_FAILING_CYCLE;
  if (Math.round(share * steps) === 0)
    throw new Error(
      `stub({ failing: { share: ${share} } }): ${share} of a ${steps}-request cycle rounds to no failure at all; give a longer cycle (at least ${Math.ceil(0.5 / share)}).`,
    );
}

/**
 * The steps of the cycle that fail (1-based, ascending): exactly round(share × cycle) of them, drawn by
 * mulberry32 from the seed (a partial Fisher–Yates shuffle of 1…cycle).
 */
export function failingSteps(failing: Pick<FailingShare, 'share' | 'seed' | 'cycle'>): number[] {
  const cycle = failing.cycle ?? DEFAULT_FAILING_CYCLE;
  const count = Math.round(failing.share * cycle);
  const random = mulberry32(failing.seed ?? DEFAULT_FAILING_SEED);
  const steps = Array.from({ length: cycle }, (_, index) => index + 1);
  for (let index = 0; index < count; index++) {
    const pick = index + Math.floor(random() * (cycle - index));
    [steps[index], steps[pick]] = [steps[pick]!, steps[index]!];
  }
  return steps.slice(0, count).sort((a, b) => a - b);
}
