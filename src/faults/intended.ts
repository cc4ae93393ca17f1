// Which container events of a test were ours: a fault the journey injected on purpose (and its heal)
// is part of the story, not a broken stack, so it never makes the failure category INFRA.
import type { TestInfo } from '@playwright/test';

export interface IntendedFault {
  service: string;
  /** `faults.kill('inventory', { signal: 'SIGKILL' })`: how the timeline names it. */
  action: string;
  from: Date;
  /** When it was healed (ready again); open while it lasts. */
  until?: Date;
}

/** Docker stamps an event when it happens; we stamp before the command and after the heal. */
const SLACK_MS = 1_000;

const registry = new WeakMap<TestInfo, IntendedFault[]>();

/** Recorded when a fault starts; set `until` when it is healed. */
export function recordIntendedFault(testInfo: TestInfo, fault: IntendedFault): IntendedFault {
  const list = registry.get(testInfo) ?? [];
  registry.set(testInfo, list);
  list.push(fault);
  return fault;
}

export function intendedFaultsOf(testInfo: TestInfo): readonly IntendedFault[] {
  return registry.get(testInfo) ?? [];
}

/** The intended fault a container event belongs to (same service, within the fault's time), if any. */
export function intendedFaultOf(
  event: { service: string; at: Date },
  faults: readonly IntendedFault[],
): IntendedFault | undefined {
  const at = event.at.getTime();
  return faults.find(
    (fault) =>
      fault.service === event.service &&
      at >= fault.from.getTime() - SLACK_MS &&
      at <= (fault.until?.getTime() ?? Number.POSITIVE_INFINITY) + SLACK_MS,
  );
}

/** Container events, each marked with the action of the intended fault that explains it (if one does). */
export function markIntended<E extends { service: string; at: Date }>(
  events: readonly E[],
  faults: readonly IntendedFault[],
): (E & { intended: string | undefined })[] {
  return events.map((event) => ({ ...event, intended: intendedFaultOf(event, faults)?.action }));
}
