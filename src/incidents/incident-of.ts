import type { ContainerState } from '../engine/container-state.ts';
import type { EngineEvent } from '../engine/engine.ts';
import type { IncidentRef } from '../history/run-record.ts';

/**
 * The incident a failed journey met, from what the engine says of the stack: a container that
 * died (exit code not 0), was OOM-killed, is restarting or was restarted by Docker, or is unhealthy,
 * on a service no fault of the journey's touched. The first such service, by how final its state
 * is: dead before OOM before restarting before unhealthy. Undefined when the stack is sound.
 *
 * The moment is the engine's (the container's `FinishedAt`, the die event's time), so every
 * journey that meets the same crash names the same incident.
 */
export function incidentOf(
  containers: readonly ContainerState[],
  events: readonly EngineEvent[],
  intendedServices: ReadonlySet<string>,
): IncidentRef | undefined {
  const candidates: (IncidentRef & { rank: number })[] = [];
  for (const c of containers) {
    if (intendedServices.has(c.service)) continue;
    const finished = validTime(c.finishedAt);
    if ((c.status === 'exited' || c.status === 'dead') && (c.exitCode !== 0 || c.oomKilled))
      candidates.push(ref(c.oomKilled ? 'oom' : 'died', c.service, finished, c.exitCode, c.oomKilled ? 1 : 0));
    else if (c.status === 'restarting') candidates.push(ref('restarted', c.service, finished, c.exitCode, 2));
    else if (c.health === 'unhealthy') candidates.push(ref('unhealthy', c.service, unhealthySince(c), undefined, 3));
  }
  // Docker restarted it already (a restart policy): the die event is all that is left of the crash.
  for (const event of events) {
    if (intendedServices.has(event.service) || event.action !== 'die') continue;
    if (candidates.some((candidate) => candidate.service === event.service)) continue;
    const now = containers.find((c) => c.service === event.service);
    if (now?.status === 'running')
      candidates.push(
        ref('restarted', event.service, event.at.toISOString(), event.exitCode ? Number(event.exitCode) : undefined, 2),
      );
  }
  const [first] = candidates.sort((a, b) => a.rank - b.rank || a.at.localeCompare(b.at));
  if (!first) return undefined;
  const { rank: _, ...incident } = first;
  return incident;
}

function ref(
  kind: IncidentRef['kind'],
  service: string,
  at: string | undefined,
  exitCode: number | undefined,
  rank: number,
): IncidentRef & { rank: number } {
  const moment = at ?? new Date().toISOString();
  return {
    id: `${service}@${moment}`,
    service,
    kind,
    at: moment,
    ...(exitCode !== undefined ? { exitCode } : {}),
    rank,
  };
}

/** Docker's zero time (`0001-01-01T00:00:00Z`) is no moment. */
function validTime(text: string | undefined): string | undefined {
  if (!text || text.startsWith('0001-')) return undefined;
  const time = new Date(text);
  return Number.isNaN(time.getTime()) ? undefined : time.toISOString();
}

/** The start of the failing streak in the health log Docker keeps (its last five probes). */
function unhealthySince(container: ContainerState): string | undefined {
  let since: string | undefined;
  for (const probe of [...container.healthLog].reverse()) {
    if (probe.exitCode === 0) break;
    since = validTime(probe.start) ?? since;
  }
  return since;
}
