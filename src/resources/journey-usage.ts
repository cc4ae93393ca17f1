// What the resources fixture learnt about a journey, for the fixtures torn down after it (the
// evidence: an OOM kill is reported with the limit and the peak before it) and for the history.
import type { ServiceUsage } from './resource-usage.ts';

/** The attachment every journey carries its figures in: the history reporter reads it. */
export const RESOURCES_ATTACHMENT = 'resources.json';
export const RESOURCES_CHART = 'resources.svg';
export const RESOURCES_ANNOTATION = 'resources';

const byTest = new WeakMap<object, readonly ServiceUsage[]>();

export function rememberUsage(testInfo: object, usage: readonly ServiceUsage[]): void {
  byTest.set(testInfo, usage);
}

export function usageOf(testInfo: object): readonly ServiceUsage[] {
  return byTest.get(testInfo) ?? [];
}
