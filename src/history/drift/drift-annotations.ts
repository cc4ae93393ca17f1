import { describeDrift, diffShapes, hasDrift, type ShapeDiff } from './diff-shapes.ts';
import type { Shape } from './shape.ts';

export interface ChannelDrift {
  channel: string;
  diff: ShapeDiff;
  /** The `drift` annotation's description. */
  description: string;
}

/**
 * What a fixture annotates at the end of a test: for every channel seen now AND in the baseline,
 * the fields added, removed or retyped. A channel with no baseline is new, not drift; a baseline
 * channel not seen now is a journey that did not use it this time.
 */
export function driftOf(baseline: Record<string, Shape>, seen: Record<string, Shape>): ChannelDrift[] {
  return Object.keys(seen)
    .filter((channel) => channel in baseline)
    .sort()
    .map((channel) => ({ channel, diff: diffShapes(baseline[channel]!, seen[channel]!) }))
    .filter(({ diff }) => hasDrift(diff))
    .map(({ channel, diff }) => ({ channel, diff, description: describeDrift(channel, diff) }));
}
