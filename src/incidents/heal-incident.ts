import type { ContainerState } from '../engine/container-state.ts';
import type { Engine } from '../engine/engine.ts';
import { Faults } from '../faults/faults.ts';
import type { IntendedFault } from '../faults/intended.ts';
import type { Observation } from '../report/observations.ts';
import { errorText } from '../util/error-text.ts';
import { type IncidentRecord, updateIncident } from './incident-registry.ts';

export interface HealContext {
  engine: Engine;
  projectName: string;
  record: (observation: Observation) => void;
  intended: (fault: IntendedFault) => IntendedFault;
  restarted: (service: string, containers: readonly ContainerState[]) => string | undefined;
  timeoutMs: number;
}

/**
 * Restarts the incident's service and waits until the whole stack is ready again (the faults'
 * restart: the same readiness, the same port following), marking the incident healing meanwhile so
 * journeys about to start wait. Returns what the annotation says of it.
 */
export async function healIncident(context: HealContext, record: IncidentRecord): Promise<string> {
  const started = Date.now();
  updateIncident(context.projectName, { ...record, healing: true });
  const faults = new Faults({
    engine: context.engine,
    projectName: context.projectName,
    record: context.record,
    intended: context.intended,
    claim: () => undefined, // the stack is broken for every worker already: healing it is everyone's business
    healTimeoutMs: context.timeoutMs,
    restarted: context.restarted,
  });
  try {
    await faults.revive(record.service);
    const healedAt = new Date().toISOString();
    updateIncident(context.projectName, { ...record, healing: false, healedAt });
    return `healed: ${record.service} restarted, the stack ready again ${((Date.now() - started) / 1000).toFixed(1)} s later`;
  } catch (error) {
    const healError = errorText(error);
    updateIncident(context.projectName, { ...record, healing: false, healError });
    return `not healed: ${healError}`;
  }
}

/** Before a journey starts: while another worker heals an incident, the stack is not whole. */
export async function waitForHeals(
  healing: () => readonly IncidentRecord[],
  timeoutMs: number,
  pollMs = 250,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (healing().length > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, pollMs));
}
