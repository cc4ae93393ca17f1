// Each kind of fault as one record: how it is put in place on a container and how it is undone. A new
// kind is one entry here (and its method on Faults, which names its options for journeys).
import type { ContainerState, NetworkAttachment } from '../engine/container-state.ts';
import type { Engine } from '../engine/engine.ts';

/** What a fault in place keeps to undo itself. */
export interface AppliedFault {
  readonly action: string;
  readonly containers: readonly ContainerState[];
  /** For `disconnect`: the attachments to restore. */
  readonly detached: { container: ContainerState; attachment: NetworkAttachment }[];
}

/** The options of every kind, as journeys pass them (each kind reads its own). */
export interface FaultKindOptions {
  signal?: string;
  network?: string;
}

export class FaultError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FaultError';
  }
}

/** Spelled out for journeys' types; FAULT_KINDS must have exactly these entries. */
export type FaultKind = 'stop' | 'kill' | 'pause' | 'disconnect';

export interface FaultKindRecord {
  /** How the timeline says it is undone: "started again". */
  readonly healed: string;
  /** What a service under it is: "paused" (in "not paused by this test"). */
  readonly state: string;
  /** Whether undoing it publishes the service on new ephemeral host ports (a start, a reconnect). */
  readonly movesPorts: boolean;
  apply(engine: Engine, container: ContainerState, fault: AppliedFault, options: FaultKindOptions): Promise<void>;
  heal(engine: Engine, fault: AppliedFault): Promise<void>;
}

async function startEach(engine: Engine, fault: AppliedFault): Promise<void> {
  for (const container of fault.containers) await engine.containerAction('start', container.id);
}

export const FAULT_KINDS: Record<FaultKind, FaultKindRecord> = {
  stop: {
    healed: 'started again',
    state: 'stopped',
    movesPorts: true,
    apply: (engine, container) => engine.containerAction('stop', container.id),
    heal: startEach,
  },
  kill: {
    healed: 'started again',
    state: 'killed',
    movesPorts: true,
    apply: (engine, container, _fault, options) => engine.killContainer(container.id, options.signal ?? 'SIGKILL'),
    heal: startEach,
  },
  pause: {
    healed: 'unpaused',
    state: 'paused',
    movesPorts: false,
    apply: (engine, container) => engine.containerAction('pause', container.id),
    async heal(engine, fault) {
      for (const container of fault.containers) await engine.containerAction('unpause', container.id);
    },
  },
  disconnect: {
    healed: 'reconnected',
    state: 'disconnected',
    movesPorts: true,
    async apply(engine, container, fault, options) {
      const attachments = options.network
        ? (container.networks ?? []).filter((attachment) => attachment.network === options.network)
        : (container.networks ?? []);
      if (attachments.length === 0) {
        throw new FaultError(
          `${fault.action}: ${container.name} is not on network "${options.network}"; it is on ${(container.networks ?? []).map((a) => a.network).join(', ') || 'none'}.`,
        );
      }
      for (const attachment of attachments) {
        await engine.disconnectNetwork(container.id, attachment.network);
        fault.detached.push({ container, attachment });
      }
    },
    async heal(engine, fault) {
      for (const { container, attachment } of fault.detached) await engine.connectNetwork(container.id, attachment);
    },
  },
};
