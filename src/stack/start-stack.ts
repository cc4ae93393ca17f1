import { rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { egressGuardOf, withEgressGuard } from '../egress/egress-guard.ts';
import type { ComposeTarget } from '../engine/compose.ts';
import type { ContainerState } from '../engine/container-state.ts';
import { currentEngine } from '../engine/current-engine.ts';
import type { EngineEndpoint } from '../engine/endpoint.ts';
import type { Engine } from '../engine/engine.ts';
import { LABEL, REUSABLE_OWNER } from '../engine/labels.ts';
import { JourneysError } from '../errors.ts';
import { claimRun, currentOwner, type RunOwner } from '../run/run-identity.ts';
import { KEEP_REASONS, type RunMode, runMode } from '../run/run-mode.ts';
import { isKept, projectStateDir } from '../run/state-files.ts';
import { guardStack } from '../run/watchdog.ts';
import { composeUp } from './compose-up.ts';
import { endpointsOf } from './endpoints.ts';
import { buildImages, pullMissingImages, removeStaleImages } from './images.ts';
import { onInterrupt, wasInterrupted } from './interrupt-cleanup.ts';
import { journeysLabels, withLabelsOverride } from './labels-override.ts';
import { runPrepare } from './prepare.ts';
import { allReady, judgeReadiness } from './readiness.ts';
import { reap } from './reap.ts';
import { type StackDefinition, serviceEnvironments } from './stack-definition.ts';
import { writeStackState } from './stack-state-file.ts';
import { holdStarted, keepStack, StartedStack } from './started-stack.ts';
import { removeProject, removeStack, removeStackSwept } from './teardown.ts';

export interface StartOptions {
  /** Seconds for every service to become healthy once containers start (builds and pulls excluded). */
  waitTimeoutSeconds?: number;
  /** Keep a stack that failed to start, for a look with the printed commands. */
  keepOnFailure?: boolean;
  /** Who owns the stack (default: the run's owner, see run-identity.ts); it is removed once the owner is gone. */
  owner?: RunOwner;
  /** Start a watchdog that removes the stack when the owner dies (default true). */
  watchdog?: boolean;
  /**
   * Remove the stack from this process on SIGINT/SIGTERM (default true: the CLI). Playwright's setup
   * worker passes false: Playwright tears it down on a signal, the watchdog does the removing.
   */
  handleSignals?: boolean;
  /**
   * The stack is handed over once ready and outlives its owner (`journeys up`): said on the engine
   * (a label) from the start. JOURNEYS_KEEP=1 implies it.
   */
  keep?: string;
  /** Remove stacks of dead runs alongside the start (default true; never on the reuse path). */
  reap?: boolean;
  log?: (line: string) => void;
}

export const DEFAULT_WAIT_TIMEOUT_SECONDS = 120;
const REAP_DELAY_MS = 500;

/** Brings a stack up and returns it ready, or throws a diagnosis after removing what it started. */
export function startStack(definition: StackDefinition, options: StartOptions = {}): Promise<StartedStack> {
  return startStackFor(runMode(), definition, options);
}

/**
 * For a run whose mode is decided already (stackProjects, the CLI). Whether to reuse is the
 * definition's; the mode's `keep` keeps the stack once ready, or when it failed to start.
 * `engine`: the unit lane's recording fake.
 */
export async function startStackFor(
  mode: Pick<RunMode, 'keep'>,
  definition: StackDefinition,
  options: StartOptions = {},
  engine: Engine = currentEngine(),
): Promise<StartedStack> {
  const log = options.log ?? (() => {});
  const waitTimeoutSeconds = options.waitTimeoutSeconds ?? DEFAULT_WAIT_TIMEOUT_SECONDS;
  const projectName = definition.target.projectName;
  // The reuse path: the config hash and one `docker ps` (done by defineStack). No reap, no prepare, no build.
  const running = definition.reuse ? (definition.running ?? (await engine.glanceContainers(projectName))) : undefined;
  if (running) {
    const reused = await reuseRunningStack(engine, mode, definition, running, log);
    if (reused) return reused;
  }
  claimRun(); // children of this start carry the run's marker (a no-op under Playwright: the runner claimed it)
  const owner = options.owner ?? currentOwner();
  // What a previous stack of this name left (a `kept` marker, its state) must not describe this one.
  rmSync(projectStateDir(projectName), { recursive: true, force: true });
  // Looked for at once, beside everything below (one `docker image inspect`).
  const imagesChecked = pullMissingImages(engine, definition.target, definition.config, log);
  imagesChecked.catch(() => {});
  const leftover = definition.running ?? (await engine.glanceContainers(projectName));
  // Once the engine answered (with none, nothing is started and nothing needs guarding), and before
  // Compose starts: the watchdog's own Node start then overlaps this one's work, not Compose's.
  if (options.watchdog !== false) guardStack(projectName, owner);
  const labels = journeysLabels(definition.configHash, owner, {
    reusable: definition.reuse,
    keep: options.keep ?? (mode.keep ? KEEP_REASONS.keep : undefined),
  });
  const target = await withEgressGuard(
    engine,
    withLabelsOverride(definition.target, definition.config, labels),
    definition.config,
    labels,
  );
  const unregister =
    options.handleSignals === false ? () => {} : onInterrupt(projectName, () => removeStackSwept(engine, target));
  let pruning: Promise<void> = Promise.resolve();
  let reaping: Promise<void> = Promise.resolve();
  try {
    // Side by side: a leftover of this project goes, prepare runs, missing images are looked for.
    if (leftover.length > 0) log(`removing leftover project ${projectName}`);
    const removing = leftover.length > 0 ? removeProject(engine, projectName, { stateDir: false }) : undefined;
    await Promise.all([removing, runPrepare(definition, log), imagesChecked]);
    if (await buildImages(engine, target, definition.config, log))
      pruning = removeStaleImages(engine, target, definition.config, log);
    const started = Date.now();
    const starting = composeUp(engine, target, definition.config, waitTimeoutSeconds, log);
    // Off the critical path: dead runs' stacks go while this one waits for health, once Compose
    // has started (earlier, its engine calls would compete with Compose's own on a small machine).
    reaping = options.reap === false ? Promise.resolve() : sleep(REAP_DELAY_MS).then(() => reapAlongside(engine, log));
    const containers = await starting;
    log(`stack ${projectName} ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    // Handed over from the moment it is ready: a reusable or kept stack outlives an interrupted run.
    if (definition.reuse) keepStack(target, KEEP_REASONS.reuse);
    else if (options.keep) keepStack(target, options.keep);
    else if (mode.keep) keepStack(target, KEEP_REASONS.keep);
    await Promise.all([reaping, pruning]);
    return started_(engine, mode, definition, target, containers, false, unregister);
  } catch (error) {
    unregister();
    if (wasInterrupted()) throw error; // the interrupt handler is already removing everything
    if (options.keepOnFailure || mode.keep) {
      const kept = keepStack(target, 'start failed, kept on request');
      throw withKeptCommands(error, kept.commands);
    }
    await removeStack(engine, target);
    await Promise.allSettled([reaping, pruning]);
    throw error;
  }
}

const START_REAP_MIN_AGE_MS = 30_000;

async function reapAlongside(engine: Engine, log: (line: string) => void): Promise<void> {
  try {
    // Not a stack created in the last 30 s: it may still be starting (its owner misjudged); a later reap takes it.
    const { removed } = await reap({ minAgeMs: START_REAP_MIN_AGE_MS, engine });
    if (removed.length > 0)
      log(`removed stacks left by runs that died: ${removed.map((project) => project.projectName).join(', ')}`);
  } catch (error) {
    log(`warning: reap skipped: ${error instanceof JourneysError ? error.describe() : String(error)}`);
  }
}

function started_(
  engine: Engine,
  mode: Pick<RunMode, 'keep'>,
  definition: StackDefinition,
  target: ComposeTarget,
  containers: ContainerState[],
  reused: boolean,
  unregister: () => void,
): StartedStack {
  const state = stackStateOf(engine.endpoint, definition, target, containers);
  return holdStarted(new StartedStack(target, state, writeStackState(state), reused, unregister), {
    engine,
    keep: mode.keep,
  });
}

/** What workers read: endpoints, environments and roles of the running containers. */
export function stackStateOf(
  endpoint: EngineEndpoint,
  definition: StackDefinition,
  target: ComposeTarget,
  containers: ContainerState[],
) {
  const egressGuard = egressGuardOf(definition.config);
  return {
    projectName: target.projectName,
    files: [...target.files],
    profiles: [...target.profiles],
    envFiles: [...target.envFiles],
    configHash: definition.configHash,
    offline: definition.offline,
    startedAt: new Date().toISOString(),
    endpoints: endpointsOf(containers, endpoint),
    environment: serviceEnvironments(definition),
    roles: definition.roles,
    ...(egressGuard && { egressGuard }),
  };
}

/** Why a running project may not be reused as it is (undefined: it may, once ready). */
export function reuseBlocker(definition: StackDefinition, running: readonly ContainerState[]): string | undefined {
  const projectName = definition.target.projectName;
  if (running.length === 0) return `${projectName} is not running`;
  // Only stacks `reap` leaves alone: reusable ones, and kept ones (`journeys up`).
  const owned = running.some((container) => container.labels[LABEL.owner] !== REUSABLE_OWNER);
  if (owned && !isKept(projectName))
    return `${projectName} belongs to another run (started without JOURNEYS_REUSE): recreating`;
  const hashes = new Set(running.map((container) => container.labels[LABEL.configHash]));
  if (hashes.size !== 1 || !hashes.has(definition.configHash))
    return `config of ${projectName} changed since it was started: recreating`;
  return undefined;
}

/** JOURNEYS_REUSE=1: a running, ready stack with an unchanged config is used as is. */
async function reuseRunningStack(
  engine: Engine,
  mode: Pick<RunMode, 'keep'>,
  definition: StackDefinition,
  initial: ContainerState[],
  log: (line: string) => void,
): Promise<StartedStack | undefined> {
  const projectName = definition.target.projectName;
  if (initial.length === 0) return undefined;
  const blocker = reuseBlocker(definition, initial);
  if (blocker) {
    log(blocker);
    return undefined;
  }
  // Another run may have started it a moment ago: wait for it rather than pull it from under that run.
  const ready = await waitUntilSettled(engine, definition, initial);
  if (!ready) {
    log(`${projectName} is running but failed or did not become ready: recreating`);
    return undefined;
  }
  log(`reusing running stack ${projectName} (config unchanged)`);
  return started_(engine, mode, definition, { ...definition.target }, ready, true, () => {});
}

/** The containers once every service is ready; undefined as soon as one failed, or after the wait timeout. */
async function waitUntilSettled(
  engine: Engine,
  definition: StackDefinition,
  initial: ContainerState[],
  timeoutMs = DEFAULT_WAIT_TIMEOUT_SECONDS * 1000,
): Promise<ContainerState[] | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (let containers = initial; ; containers = await engine.glanceContainers(definition.target.projectName)) {
    const verdicts = judgeReadiness(definition.config, containers);
    if (allReady(verdicts)) return containers;
    if (verdicts.some((verdict) => verdict.kind === 'failed') || Date.now() > deadline) return undefined;
    await sleep(500);
  }
}

function withKeptCommands(error: unknown, commands: string[]): unknown {
  if (!(error instanceof JourneysError)) return error;
  const details = `${error.details ?? ''}\n\nThe stack was kept. Look at it with:\n${commands.map((c) => `  ${c}`).join('\n')}`;
  return new JourneysError(error.category, error.message.replace(/^\[\w+\] /, ''), details);
}
