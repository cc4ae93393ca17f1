import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type ComposeTarget, composeCommandLine } from '../engine/compose.ts';
import type { ContainerState } from '../engine/container-state.ts';
import { currentEngine } from '../engine/current-engine.ts';
import type { Engine } from '../engine/engine.ts';
import { readVariable } from '../run/environment.ts';
import { KEEP_REASONS } from '../run/run-mode.ts';
import { stateFile } from '../run/state-files.ts';
import { Endpoints } from './endpoints.ts';
import type { StackState } from './stack-state.ts';
import { removeStack } from './teardown.ts';

interface Held {
  engine: Engine;
  /** The run mode's `keep`, decided where the run started. */
  keep: boolean;
}

// Kept beside the class, not in its constructor: the Engine is inside the house, not public API.
const HELD = new WeakMap<StartedStack, Held>();

/** What startStack hands a stack it started: its engine and its run's keep decision. */
export function holdStarted(stack: StartedStack, held: Held): StartedStack {
  HELD.set(stack, held);
  return stack;
}

/** A stack that is up: you can read its endpoints, look at it, and stop it (once). */
export class StartedStack {
  readonly endpoints: Endpoints;
  #stopped = false;

  constructor(
    readonly target: ComposeTarget,
    readonly state: StackState,
    readonly stateFile: string,
    /** True when a running stack with the same config was used as is. */
    readonly reused: boolean,
    private readonly unregisterInterrupt: () => void,
  ) {
    this.endpoints = new Endpoints(state.endpoints);
  }

  /** The engine it was started on, and whether its run keeps it: what startStack handed over. */
  get #held(): Held {
    return HELD.get(this) ?? { engine: currentEngine(), keep: readVariable('keep') ?? false };
  }

  get projectName(): string {
    return this.target.projectName;
  }

  containers(): Promise<ContainerState[]> {
    return this.#held.engine.listContainers(this.projectName);
  }

  /**
   * Stops and removes everything, unless asked to keep it (default: the run's mode, JOURNEYS_KEEP as
   * read when the stack started), in which case it says how to look at it.
   */
  async stop({ keep = this.#held.keep, reason = KEEP_REASONS.keep } = {}): Promise<StoppedStack> {
    if (this.#stopped) throw new Error(`Stack ${this.projectName} was already stopped.`);
    this.#stopped = true;
    this.unregisterInterrupt();
    if (keep) return keepStack(this.target, reason);
    await removeStack(this.#held.engine, this.target);
    return { projectName: this.projectName, kept: false, commands: [] };
  }
}

/** What is left after `stop()`: nothing, or a kept stack and the commands to inspect and remove it. */
export interface StoppedStack {
  readonly projectName: string;
  readonly kept: boolean;
  readonly commands: string[];
}

/** Marks a stack as kept (so `reap` leaves it) and prints the exact commands to use it. */
export function keepStack(target: ComposeTarget, reason: string): StoppedStack {
  const file = stateFile(target.projectName, 'kept');
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${reason}\n`);
  const commands = [
    composeCommandLine(target, 'ps'),
    composeCommandLine(target, 'logs --timestamps'),
    composeCommandLine(target, 'exec <service> sh'),
    composeCommandLine(target, 'down --volumes --timeout 0'),
  ];
  return { projectName: target.projectName, kept: true, commands };
}
