import { setTimeout as sleep } from 'node:timers/promises';
import { JourneysError } from '../errors.ts';
import type { ComposeTarget } from './compose-target.ts';
import { composeUp } from './compose-up.ts';
import { listContainers, type ContainerState } from './container-state.ts';
import { endpointsOf } from './endpoints.ts';
import { buildImages, pullMissingImages } from './images.ts';
import { onInterrupt, wasInterrupted } from './interrupt-cleanup.ts';
import { currentOwner, LABEL, REUSABLE_OWNER } from './labels.ts';
import { journeysLabels, withLabelsOverride } from './labels-override.ts';
import { runPrepare } from './prepare.ts';
import { allReady, judgeReadiness } from './readiness.ts';
import { reap } from './reap.ts';
import { serviceEnvironments, type StackDefinition } from './stack-definition.ts';
import { writeStackState } from './stack-state.ts';
import { isKept } from './state-dir.ts';
import { keepStack, StartedStack } from './started-stack.ts';
import { removeProjectResources, removeStack } from './teardown.ts';

export interface StartOptions {
  /** Seconds for every service to become healthy once containers start (builds and pulls excluded). */
  waitTimeoutSeconds?: number;
  /** Keep a stack that failed to start, for a look with the printed commands. */
  keepOnFailure?: boolean;
  /** Who owns the stack; `reap` removes it once this process is gone. */
  owner?: string;
  log?: (line: string) => void;
}

export const DEFAULT_WAIT_TIMEOUT_SECONDS = 120;

/** Brings a stack up and returns it ready, or throws a diagnosis after removing what it started. */
export async function startStack(definition: StackDefinition, options: StartOptions = {}): Promise<StartedStack> {
  const log = options.log ?? (() => {});
  const waitTimeoutSeconds = options.waitTimeoutSeconds ?? DEFAULT_WAIT_TIMEOUT_SECONDS;
  // Side by side: reap never touches a reusable stack, and the reuse path should cost one look.
  const [reaped, reused] = await Promise.all([reap(), definition.reuse ? reuseRunningStack(definition, log) : undefined]);
  if (reaped.length > 0) log(`removed stacks left by runs that died: ${reaped.join(', ')}`);
  if (reused) return reused;
  await removeLeftover(definition.target.projectName, log);
  const owner = definition.reuse ? REUSABLE_OWNER : (options.owner ?? currentOwner());
  const target = withLabelsOverride(definition.target, definition.config, journeysLabels(definition.configHash, owner));
  const unregister = onInterrupt(target.projectName, () => removeStack(target));
  try {
    await runPrepare(definition, log);
    await pullMissingImages(target, definition.config, log);
    await buildImages(target, definition.config, log);
    const started = Date.now();
    const containers = await composeUp(target, definition.config, waitTimeoutSeconds, log);
    log(`stack ${target.projectName} ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return started_(definition, target, containers, false, unregister);
  } catch (error) {
    unregister();
    if (wasInterrupted()) throw error; // the interrupt handler is already removing everything
    if (options.keepOnFailure || process.env.JOURNEYS_KEEP === '1') {
      const kept = keepStack(target, 'start failed, kept on request');
      throw withKeptCommands(error, kept.commands);
    }
    await removeStack(target);
    throw error;
  }
}

function started_(definition: StackDefinition, target: ComposeTarget, containers: ContainerState[], reused: boolean, unregister: () => void): StartedStack {
  const environment = serviceEnvironments(definition);
  const state = {
    projectName: target.projectName,
    files: [...target.files],
    profiles: [...target.profiles],
    envFiles: [...target.envFiles],
    configHash: definition.configHash,
    offline: definition.offline,
    startedAt: new Date().toISOString(),
    endpoints: endpointsOf(containers),
    environment,
    roles: definition.roles,
  };
  return new StartedStack(target, state, writeStackState(state), reused, unregister);
}

/** A previous run's stack is removed first: stale data must never leak into this run. */
async function removeLeftover(projectName: string, log: (line: string) => void): Promise<void> {
  if ((await listContainers(projectName)).length === 0) return;
  log(`removing leftover project ${projectName}`);
  await removeProjectResources(projectName);
}

/** JOURNEYS_REUSE=1: a running, ready stack with an unchanged config is used as is. */
async function reuseRunningStack(definition: StackDefinition, log: (line: string) => void): Promise<StartedStack | undefined> {
  let containers = await listContainers(definition.target.projectName);
  if (containers.length === 0) return undefined;
  // Only stacks `reap` leaves alone (reap runs alongside): reusable ones, and kept ones (`journeys up`).
  const owned = containers.some((container) => container.labels[LABEL.owner] !== REUSABLE_OWNER);
  if (owned && !isKept(definition.target.projectName)) {
    log(`${definition.target.projectName} belongs to another run (started without JOURNEYS_REUSE): recreating`);
    return undefined;
  }
  const hashes = new Set(containers.map((container) => container.labels[LABEL.configHash]));
  if (hashes.size !== 1 || !hashes.has(definition.configHash)) {
    log(`config of ${definition.target.projectName} changed since it was started: recreating`);
    return undefined;
  }
  // Another run may have started it a moment ago: wait for it rather than pull it from under that run.
  const ready = await waitUntilSettled(definition, containers);
  if (!ready) {
    log(`${definition.target.projectName} is running but failed or did not become ready: recreating`);
    return undefined;
  }
  containers = ready;
  log(`reusing running stack ${definition.target.projectName} (config unchanged)`);
  const target = { ...definition.target };
  return started_(definition, target, containers, true, () => {});
}

/** The containers once every service is ready; undefined as soon as one failed, or after the wait timeout. */
async function waitUntilSettled(definition: StackDefinition, initial: ContainerState[], timeoutMs = DEFAULT_WAIT_TIMEOUT_SECONDS * 1000): Promise<ContainerState[] | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (let containers = initial; ; containers = await listContainers(definition.target.projectName)) {
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
