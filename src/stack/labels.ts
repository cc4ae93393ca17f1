import os from 'node:os';

/** Labels we put on every container, network and volume we create: how `reap` finds our leftovers. */
export const LABEL = {
  managed: 'dev.compose-journeys.managed',
  /** `<hostname>:<pid>` of the process that owns the stack; `reap` removes stacks whose owner died. */
  owner: 'dev.compose-journeys.owner',
  configHash: 'dev.compose-journeys.config-hash',
  project: 'com.docker.compose.project',
  service: 'com.docker.compose.service',
} as const;

/** Reused stacks outlive their run on purpose, so they are owned by nobody. */
export const REUSABLE_OWNER = 'reusable';

export function currentOwner(): string {
  // Playwright workers come and go; the runner process (set in playwright.config.ts) owns the stack.
  const pid = process.env.JOURNEYS_OWNER_PID ?? String(process.pid);
  return `${os.hostname()}:${pid}`;
}

/** True when the owner recorded in a label is a process on this host that no longer runs. */
export function ownerIsDead(owner: string | undefined): boolean {
  if (!owner || owner === REUSABLE_OWNER) return false;
  const separator = owner.lastIndexOf(':');
  const host = owner.slice(0, separator);
  const pid = Number(owner.slice(separator + 1));
  if (host !== os.hostname() || !Number.isInteger(pid)) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
