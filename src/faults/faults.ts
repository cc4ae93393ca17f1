// The `faults` fixture: stop, kill, pause or cut off a service of the stack mid-journey, for a given
// time or until healed; restart it. Every fault is recorded on the timeline and as intended (so its
// container events never make the failure INFRA), and healed after the test: started, unpaused,
// reconnected, and the whole stack ready again (each service's own healthcheck passing) before the
// next test starts, or a clear error naming what could not be healed.

import { type ContainerState, describeState, lastProbeOf } from '../engine/container-state.ts';
import type { Engine } from '../engine/engine.ts';
import type { Observation } from '../report/observations.ts';
import { errorText } from '../util/error-text.ts';
import { type AppliedFault, FAULT_KINDS, FaultError, type FaultKind, type FaultKindOptions } from './fault-kinds.ts';
import { probeHealth } from './health-probe.ts';
import type { IntendedFault } from './intended.ts';

export { FaultError, type FaultKind };

export interface FaultOptions {
  /** Heal it by itself after this many ms (in the background: the call returns once the fault is in place). */
  for?: number;
}

export interface KillOptions extends FaultOptions {
  /** Default `SIGKILL` (a crash); `SIGTERM` for a graceful end without the stop timeout. */
  signal?: string;
}

export interface DisconnectOptions extends FaultOptions {
  /** One network of the service (default: every network it is on). */
  network?: string;
}

/** A fault in place. */
export interface Fault {
  readonly service: string;
  readonly kind: FaultKind;
  /** `faults.kill('inventory', { signal: 'SIGKILL' })`. */
  readonly action: string;
  readonly startedAt: Date;
  /** Heals it now (or waits for the heal under way) and waits until the stack is ready again. */
  heal(): Promise<void>;
}

export interface FaultsContext {
  readonly engine: Engine;
  readonly projectName: string;
  /** Onto the journey timeline. */
  readonly record: (observation: Observation) => void;
  /** Marks the fault's container events as ours; `until` is set when it is healed. */
  readonly intended: (fault: IntendedFault) => IntendedFault;
  /** Called before the first change to the stack: refuses when other workers share it. */
  readonly claim: (what: string) => void;
  /** How long a heal may take until the stack is ready again. */
  readonly healTimeoutMs: number;
  /**
   * A service started again (heal of stop/kill, restart): its ephemeral host ports are new. The
   * fixture points the stack's endpoints at them; returns what moved, for the timeline.
   */
  readonly restarted?: (
    service: string,
    containers: readonly ContainerState[],
  ) => string | undefined | Promise<string | undefined>;
}

/** A fault the heal could not undo: the stack is left broken, and says how. */
export class FaultHealError extends FaultError {
  constructor(message: string) {
    super(message);
    this.name = 'FaultHealError';
  }
}

interface ActiveFault extends AppliedFault {
  service: string;
  kind: FaultKind;
  startedAt: Date;
  intended: IntendedFault;
  /** A pause this fault turned into a kill: healed with it. */
  supersedes?: ActiveFault;
  timer?: NodeJS.Timeout;
  healing?: Promise<void>;
  healed: boolean;
}

const POLL_MS = 500;

export class Faults {
  readonly #active = new Map<string, ActiveFault>();
  /** Every fault of the test, healed ones too, in order. */
  readonly #history: ActiveFault[] = [];
  /** Errors of heals that ran in the background (`for`), thrown at the next heal or after the test. */
  readonly #backgroundErrors: Error[] = [];
  /** Containers that were running before this test's first fault: "ready again" means all of them. */
  readonly #baseline = new Set<string>();

  constructor(private readonly context: FaultsContext) {}

  /** Faults in place now (not yet healed). */
  get active(): readonly Fault[] {
    return [...this.#active.values()].map((fault) => this.#handle(fault));
  }

  /** Stops the service (SIGTERM, then SIGKILL after its stop grace period): it stays down until healed. */
  stop(service: string, options: FaultOptions = {}): Promise<Fault> {
    return this.#inject(service, 'stop', `faults.stop('${service}')`, options);
  }

  /**
   * Kills the service with a signal (default SIGKILL: a crash, no shutdown): down until healed. A
   * service this test paused can be killed too (it hangs, then crashes): the heal then starts it.
   */
  kill(service: string, options: KillOptions = {}): Promise<Fault> {
    const signal = options.signal ?? 'SIGKILL';
    return this.#inject(service, 'kill', `faults.kill('${service}', { signal: '${signal}' })`, { ...options, signal });
  }

  /** Freezes the service's processes (cgroup freezer): connections stay open, nothing answers. */
  pause(service: string, options: FaultOptions = {}): Promise<Fault> {
    return this.#inject(service, 'pause', `faults.pause('${service}')`, options);
  }

  /** Undoes `pause`. */
  unpause(service: string): Promise<void> {
    return this.#healKind(service, 'pause', 'unpause');
  }

  /** Cuts the service off its network(s): nobody reaches it and it reaches nobody, until healed. */
  disconnect(service: string, options: DisconnectOptions = {}): Promise<Fault> {
    const action = `faults.disconnect('${service}'${options.network ? `, { network: '${options.network}' }` : ''})`;
    return this.#inject(service, 'disconnect', action, options);
  }

  /** Undoes `disconnect`. */
  connect(service: string): Promise<void> {
    return this.#healKind(service, 'disconnect', 'connect');
  }

  /**
   * Restarts the service (SIGTERM, stop grace period, start) and waits until the stack is ready
   * again: a restart is over when it returns.
   */
  async restart(service: string): Promise<void> {
    await this.#restart(service, `faults.restart('${service}')`, false);
  }

  /**
   * Brings back a service that died outside any fault (an incident): its containers restarted
   * (a stopped one started), and the stack ready again. Nothing to refuse: it is down on purpose of nobody.
   */
  async revive(service: string): Promise<void> {
    await this.#restart(service, `the runner's restart of ${service} (incident)`, true);
  }

  async #restart(service: string, action: string, down: boolean): Promise<void> {
    const containers = await this.#target(service, action, false, down);
    this.context.claim(action);
    const intended = this.context.intended({ service, action, from: new Date() });
    this.context.record({ kind: 'fault', summary: `${action}: intended` });
    try {
      for (const container of containers) await this.context.engine.containerAction('restart', container.id);
    } catch (error) {
      throw new FaultError(`${action} failed: ${errorText(error)}`);
    }
    await this.#moved(service);
    await this.#waitReady(action, service);
    intended.until = new Date();
    this.context.record({
      kind: 'fault',
      summary: `${service} restarted and the stack is ready again (${this.#since(intended.from)} after ${action})`,
    });
  }

  /**
   * Heals a fault now (one service, or every fault in place) and waits until the stack is ready
   * again; a timed heal (`for`) under way is waited for.
   */
  async heal(service?: string): Promise<void> {
    if (service !== undefined && !this.#active.has(service)) {
      const healed = this.#history.some((fault) => fault.service === service);
      throw new FaultError(
        `faults.heal('${service}'): ${healed ? `its fault is already healed` : 'this test injected no fault on it'}. ${this.#active.size ? `Faults in place: ${[...this.#active.values()].map((f) => f.action).join(', ')}.` : 'No fault is in place.'}`,
      );
    }
    const faults = service === undefined ? [...this.#active.values()] : [this.#active.get(service)!];
    const results = await Promise.allSettled(faults.map((fault) => this.#heal(fault)));
    this.#throwErrors(results);
  }

  /** After the test: heals everything still in place, surfaces background heal failures. */
  async healAll(): Promise<void> {
    const results = await Promise.allSettled([...this.#active.values()].map((fault) => this.#heal(fault)));
    this.#throwErrors(results);
  }

  /** True once this test injected anything. */
  get touched(): boolean {
    return this.#history.length > 0;
  }

  #throwErrors(results: PromiseSettledResult<void>[]): void {
    const errors = [
      ...new Set([
        ...this.#backgroundErrors.splice(0),
        ...results.flatMap((result) => (result.status === 'rejected' ? [result.reason as Error] : [])),
      ]),
    ];
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw new FaultHealError(errors.map(errorText).join('\n\n'));
  }

  #handle(fault: ActiveFault): Fault {
    return {
      service: fault.service,
      kind: fault.kind,
      action: fault.action,
      startedAt: fault.startedAt,
      heal: () => this.#heal(fault),
    };
  }

  #since(from: Date): string {
    return `${((Date.now() - from.getTime()) / 1000).toFixed(1)} s`;
  }

  /** The running containers of a service, or an error naming it and listing what exists. */
  async #target(service: string, action: string, escalatesPause = false, down = false): Promise<ContainerState[]> {
    if (typeof service !== 'string' || service === '')
      throw new FaultError(`${action}: a service name, got ${JSON.stringify(service)}.`);
    const all = await this.context.engine.listContainers(this.context.projectName);
    const listing = () =>
      [...new Set(all.map((c) => c.service))]
        .map((name) => {
          const states = all.filter((c) => c.service === name).map(describeState);
          const oneShot = all.filter((c) => c.service === name).every((c) => c.status === 'exited' && c.exitCode === 0);
          return `${name} (${states.join(', ')}${oneShot ? ', a finished one-shot' : ''})`;
        })
        .join(', ');
    for (const container of all)
      if (container.status === 'running' && !this.#active.has(container.service)) this.#baseline.add(container.id);
    const mine = all.filter((container) => container.service === service);
    if (mine.length === 0)
      throw new FaultError(
        `${action}: stack ${this.context.projectName} has no service "${service}". Its services: ${listing() || 'none (is the stack running?)'}.`,
      );
    const active = this.#active.get(service);
    const escalating = escalatesPause && active?.kind === 'pause';
    if (active && !escalating)
      throw new FaultError(
        `${action}: "${service}" is already under ${active.action} (since ${this.#since(active.startedAt)}); heal it first (await faults.heal('${service}')).`,
      );
    if (down) return mine;
    if (
      mine.every(
        (container) =>
          container.status === 'exited' && container.exitCode === 0 && (container.restartPolicy ?? 'no') === 'no',
      )
    ) {
      throw new FaultError(
        `${action}: "${service}" is a one-shot that already finished (exited 0 at ${mine[0]!.finishedAt}): there is nothing running to fault. Long-running services: ${listing()}.`,
      );
    }
    const notRunning = mine.filter(
      (container) => container.status !== 'running' && !(escalating && container.status === 'paused'),
    );
    if (notRunning.length > 0) {
      throw new FaultError(
        `${action}: "${service}" is not running (${notRunning.map((c) => `${c.name}: ${describeState(c)}`).join(', ')}), so it cannot be faulted; the stack is not as the journey expects. Services: ${listing()}.`,
      );
    }
    return mine;
  }

  async #inject(
    service: string,
    kind: FaultKind,
    action: string,
    options: FaultOptions & FaultKindOptions,
  ): Promise<Fault> {
    // A service this test paused can be killed too (it hangs, then crashes): the kill's heal starts it.
    const escalatesPause = kind === 'kill';
    if (options.for !== undefined && (!Number.isFinite(options.for) || options.for < 0))
      throw new FaultError(`${action}: \`for\` is a duration in ms, got ${options.for}.`);
    const containers = await this.#target(service, action, escalatesPause);
    this.context.claim(action);
    const startedAt = new Date();
    const previous = this.#active.get(service);
    const fault: ActiveFault = {
      service,
      kind,
      action,
      startedAt,
      containers,
      detached: [],
      intended: this.context.intended({ service, action, from: startedAt }),
      healed: false,
      supersedes: previous,
    };
    if (previous) clearTimeout(previous.timer);
    this.#active.set(service, fault);
    this.#history.push(fault);
    try {
      for (const container of containers) await FAULT_KINDS[kind].apply(this.context.engine, container, fault, options);
    } catch (error) {
      // Half a fault is still a fault: undo what was done, then say what failed.
      if (previous) {
        this.#active.set(service, previous);
        throw new FaultError(`${action} failed: ${errorText(error)}`);
      }
      await this.#heal(fault).catch(() => {});
      throw error instanceof FaultError ? error : new FaultError(`${action} failed: ${errorText(error)}`);
    }
    const until = options.for !== undefined ? `, healed after ${options.for} ms` : ', until healed';
    this.context.record({
      kind: 'fault',
      summary: `${action}${until}: intended`,
      detail: {
        containers: containers.map((c) => c.name),
        ...(fault.detached.length > 0 && { networks: fault.detached.map((d) => d.attachment.network) }),
      },
    });
    if (options.for !== undefined) {
      fault.timer = setTimeout(() => {
        this.#heal(fault).catch((error: Error) => this.#backgroundErrors.push(error));
      }, options.for);
    }
    return this.#handle(fault);
  }

  async #healKind(service: string, kind: FaultKind, verb: string): Promise<void> {
    const fault = this.#active.get(service);
    if (!fault || fault.kind !== kind) {
      throw new FaultError(
        `faults.${verb}('${service}'): "${service}" is not ${FAULT_KINDS[kind].state} by this test${fault ? ` (it is under ${fault.action}; faults.heal('${service}') undoes that)` : ''}.`,
      );
    }
    await this.#heal(fault);
  }

  #heal(fault: ActiveFault): Promise<void> {
    clearTimeout(fault.timer);
    fault.healing ??= this.#doHeal(fault);
    return fault.healing;
  }

  async #doHeal(fault: ActiveFault): Promise<void> {
    const kind = FAULT_KINDS[fault.kind];
    try {
      await kind.heal(this.context.engine, fault);
      // A started container, or one back on its network, is published on new ephemeral host ports.
      if (kind.movesPorts) await this.#moved(fault.service);
    } catch (error) {
      throw new FaultHealError(
        `${fault.service} could not be healed after ${fault.action}: ${errorText(error)}. The stack stays broken; later journeys on it may fail as INFRA.`,
      );
    }
    await this.#waitReady(`healing ${fault.action}`, fault.service, fault);
    fault.healed = true;
    fault.intended.until = new Date();
    if (fault.supersedes) {
      fault.supersedes.healed = true;
      fault.supersedes.intended.until = fault.intended.until;
    }
    this.#active.delete(fault.service);
    this.context.record({
      kind: 'fault',
      summary: `${fault.service} ${kind.healed} and the stack is ready again (${this.#since(fault.startedAt)} after ${fault.action})`,
    });
  }

  /** A started container has new host ports: the stack's endpoints follow, and the timeline says so. */
  async #moved(service: string): Promise<void> {
    if (!this.context.restarted) return;
    const containers = (await this.context.engine.listContainers(this.context.projectName)).filter(
      (c) => c.service === service,
    );
    const moved = await this.context.restarted(service, containers);
    if (moved) this.context.record({ kind: 'fault', summary: `${service} is published on new host ports: ${moved}` });
  }

  /**
   * Until every long-running service is running, Docker holds it healthy (a started container is
   * `starting` until its first probe passes), and its own healthcheck passes when run now through
   * `docker exec` (Docker's verdict on a container that was paused or cut off is up to an interval
   * old): dependants of the healed service (reconnecting to a restarted broker, say) are part of
   * "ready again".
   */
  async #waitReady(what: string, service: string, fault?: ActiveFault): Promise<void> {
    const deadline = Date.now() + this.context.healTimeoutMs;
    const ready = new Set<string>();
    let pending: string[] = [];
    let containers: ContainerState[] = [];
    for (;;) {
      containers = await this.context.engine.listContainers(this.context.projectName);
      const targets = containers.filter((c) => c.service === service || this.#baseline.has(c.id));
      pending = [];
      await Promise.all(
        targets.map(async (container) => {
          if (this.#active.has(container.service) && container.service !== service) return; // still faulted on purpose
          if (container.status !== 'running')
            return void pending.push(`${container.service}: ${describeState(container)}`);
          if (container.health === 'unhealthy')
            return void pending.push(
              `${container.service}: Docker holds it unhealthy until its next probe passes (${lastProbeOf(container) ?? 'no probe output'})`,
            );
          if (container.health === 'starting')
            return void pending.push(`${container.service}: starting (Docker has not seen its healthcheck pass yet)`);
          if (ready.has(container.id)) return;
          const probe = await probeHealth(this.context.engine, container);
          if (probe.ok) ready.add(container.id);
          else pending.push(`${container.service}: its healthcheck fails (${probe.output})`);
        }),
      );
      if (pending.length === 0) return;
      if (Date.now() >= deadline) break;
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    const own = containers.filter((c) => c.service === service);
    const logs = await Promise.all(
      own.map(
        async (c) =>
          `--- last log lines of ${c.name} ---\n${await this.context.engine.containerLogs(c.id, 20).catch((e: Error) => e.message)}`,
      ),
    );
    throw new FaultHealError(
      `${what}: the stack is not ready again within ${this.context.healTimeoutMs} ms.\nNot ready:\n${pending.map((line) => `  ${line}`).join('\n')}\n` +
        `${fault ? `"${service}" could not be healed: the stack stays broken, and later journeys on it may fail as INFRA.\n` : ''}` +
        `Look: docker compose -p ${this.context.projectName} ps -a; docker compose -p ${this.context.projectName} logs ${service}\n${logs.join('\n')}`,
    );
  }
}
