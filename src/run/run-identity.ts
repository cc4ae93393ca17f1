// Who a run is, in one place: the process that owns its stacks (pid + start time, so a recycled pid
// never passes for a dead run), the user and machine it runs on, its Compose project name and shard.
//
// A Playwright run is owned by the runner process (the one that loads playwright.config.ts first):
// `claimRun()` writes its identity to the environment there, and every worker and every child
// (docker compose, prepare commands) inherits it. `JOURNEYS_RUN` is the marker a watchdog looks for
// to find the processes of a run that died.
import { readFileSync, readlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { handOverOwner, handOverOwnerPid, handOverProject, readVariable } from './environment.ts';
import type { RunMode } from './run-mode.ts';

/** The process that owns a stack, as the labels record it. */
export interface RunOwner {
  host: string;
  uid: number;
  /** /proc/sys/kernel/random/boot_id: start times count from boot. */
  boot: string;
  /** The pid namespace the pid means something in (`pid:[4026531836]` → 4026531836). */
  pidns: string;
  pid: number;
  /** Clock ticks since boot (field 22 of /proc/<pid>/stat); 0 where there is no /proc. */
  started: number;
}

let cachedRunPrefix: string | undefined;

/**
 * Every correlation id of one run starts with this prefix, which is how a consistency rule is scoped
 * to "the whole run" on a stack reused across runs. Built from the runner process (pid and, on Linux,
 * its start time, so a recycled pid does not match an older run); workers inherit it from the runner.
 */
export function runPrefix(): string {
  if (cachedRunPrefix) return cachedRunPrefix;
  const owner = currentOwner();
  cachedRunPrefix = `cj${owner.pid.toString(36)}${owner.started ? owner.started.toString(36) : ''}`;
  return cachedRunPrefix;
}

/**
 * When a process started, in clock ticks since boot (Linux: field 22 of /proc/<pid>/stat, after the
 * parenthesised command name); undefined when there is no such process (or no /proc). With the pid
 * it names a process for good: a recycled pid has another start time.
 */
export function processStartTime(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
  } catch {
    return undefined;
  }
}

let machine: Pick<RunOwner, 'host' | 'uid' | 'boot' | 'pidns'> | undefined;

/** This machine, user and pid namespace: what a pid is relative to. */
export function thisMachine(): Pick<RunOwner, 'host' | 'uid' | 'boot' | 'pidns'> {
  if (machine) return machine;
  let boot = 'noboot';
  let pidns = '0';
  try {
    boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {}
  try {
    pidns = /\[(\d+)\]/.exec(readlinkSync('/proc/self/ns/pid'))?.[1] ?? '0';
  } catch {}
  machine = { host: os.hostname(), uid: process.getuid?.() ?? -1, boot, pidns };
  return machine;
}

/** The identity of a live process on this machine. */
export function ownerOf(pid: number, started = processStartTime(pid) ?? 0): RunOwner {
  return { ...thisMachine(), pid, started };
}

/**
 * Makes this process the owner of the run, unless an outer process already is (Playwright workers,
 * a CLI started by a test). Cheap: a few environment variables and one read of /proc/self/stat.
 */
export function claimRun(): RunOwner {
  if (readVariable('ownerPid') === undefined) handOverOwnerPid(process.pid);
  const owner = currentOwner();
  handOverOwner(owner.started, runKey(owner));
  return owner;
}

/** The run's owner: the runner (from the environment), else this process. */
export function currentOwner(): RunOwner {
  const pid = readVariable('ownerPid') ?? process.pid;
  return ownerOf(pid, readVariable('ownerStarted') ?? processStartTime(pid) ?? 0);
}

/** `host/uid/boot/pidns/pid/started`: the owner in one label value (and the run marker of its processes). */
export function runKey(owner: RunOwner): string {
  return [owner.host, owner.uid, owner.boot, owner.pidns, owner.pid, owner.started].join('/');
}

export function parseRunKey(key: string | undefined): RunOwner | undefined {
  const parts = key?.split('/');
  if (parts?.length !== 6) return undefined;
  const [host, uid, boot, pidns, pid, started] = parts as [string, string, string, string, string, string];
  if (!/^-?\d+$/.test(uid) || !/^\d+$/.test(pid) || !/^\d+$/.test(started)) return undefined;
  return { host, uid: Number(uid), boot, pidns, pid: Number(pid), started: Number(started) };
}

/** The owner as older releases labelled it (`<hostname>:<pid>`), which they still read. */
export function legacyOwnerLabel(owner: RunOwner): string {
  return `${owner.host}:${owner.pid}`;
}

export type OwnerStatus =
  | { state: 'alive' }
  | { state: 'gone'; why: string }
  /** Not on this machine, user or pid namespace, or from before a reboot: nothing proves it either way. */
  | { state: 'unknown'; why: string };

/**
 * Whether the owner still runs. "gone" only when that is proven: same machine, boot and pid
 * namespace, and the pid is free or belongs to a process that started at another time.
 */
export function ownerStatus(owner: RunOwner): OwnerStatus {
  const here = thisMachine();
  if (owner.host !== here.host) return { state: 'unknown', why: `started on host ${owner.host}` };
  if (owner.boot !== here.boot)
    return { state: 'unknown', why: 'started before this machine last booted, or on another machine of the same name' };
  if (owner.pidns !== here.pidns)
    return { state: 'unknown', why: `started in another pid namespace (${owner.pidns}: a container?)` };
  const started = processStartTime(owner.pid);
  if (started === undefined) {
    if (pidExists(owner.pid)) return { state: 'alive' }; // no /proc: a pid is all we can check
    return { state: 'gone', why: `process ${owner.pid} no longer exists` };
  }
  if (owner.started !== 0 && started !== owner.started)
    return {
      state: 'gone',
      why: `pid ${owner.pid} now belongs to another process (started at tick ${started}, the owner at ${owner.started})`,
    };
  return { state: 'alive' };
}

/** For stacks labelled by older releases: `<hostname>:<pid>`, no start time. */
export function legacyOwnerStatus(label: string): OwnerStatus {
  const separator = label.lastIndexOf(':');
  const host = label.slice(0, separator);
  const pid = Number(label.slice(separator + 1));
  if (separator < 0 || !Number.isInteger(pid)) return { state: 'unknown', why: `owner "${label}" is not one we wrote` };
  if (host !== os.hostname()) return { state: 'unknown', why: `started on host ${host}` };
  return pidExists(pid) ? { state: 'alive' } : { state: 'gone', why: `process ${pid} no longer exists` };
}

function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/** `journeys-<directory of the first compose file>`: what the CLI and reused stacks are called. */
export function stableProjectName(firstFile: string): string {
  return `journeys-${sanitize(path.basename(path.dirname(firstFile)))}`;
}

export function sanitize(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9_-]/g, '') || 'stack';
}

/**
 * The run's Compose project, decided once per run and shared through the environment: one project
 * per run and per shard (parallel CI jobs on one engine never share one), or the stable name with
 * JOURNEYS_REUSE=1 so the next run finds the stack again. JOURNEYS_PROJECT wins.
 */
export function runProjectName(firstFile: string, mode: Pick<RunMode, 'reuse' | 'shard'>): string {
  const chosen = readVariable('project');
  if (chosen) return chosen;
  const base = stableProjectName(firstFile);
  const suffix = Math.random().toString(36).slice(2, 7);
  const projectName = mode.reuse ? base : `${base}-${mode.shard ? `s${mode.shard}-` : ''}${suffix}`;
  handOverProject(projectName);
  return projectName;
}
