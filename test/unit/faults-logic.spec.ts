// The faults fixture's bookkeeping without Docker: which container events were ours (intended), how
// the timeline and the failure category treat them, and the guard that keeps faults off a stack
// other workers are using.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { claimExclusive, enterJourney, leaveJourney, releaseExclusive } from '../../src/faults/exclusive.ts';
import { type IntendedFault, intendedFaultOf } from '../../src/faults/intended.ts';
import { categorise, infraProblems } from '../../src/report/failure-category.ts';
import type { ContainerEvent } from '../../src/report/stack-evidence.ts';
import { formatEvents } from '../../src/report/stack-evidence.ts';
import { renderTimeline } from '../../src/report/timeline.ts';

const t = (seconds: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, seconds));

test('an event is intended when its service was under a fault of the test at the time (1 s slack either side)', () => {
  const kill: IntendedFault = {
    service: 'inventory',
    action: "faults.kill('inventory', { signal: 'SIGKILL' })",
    from: t(10),
    until: t(20),
  };
  const open: IntendedFault = { service: 'rabbitmq', action: "faults.stop('rabbitmq')", from: t(30) };
  const event = (service: string, seconds: number) => ({ service, at: t(seconds) });
  expect(intendedFaultOf(event('inventory', 10), [kill])).toBe(kill);
  expect(intendedFaultOf(event('inventory', 20.5), [kill])).toBe(kill);
  expect(intendedFaultOf(event('inventory', 9.5), [kill])).toBe(kill);
  expect(intendedFaultOf(event('inventory', 22), [kill])).toBeUndefined(); // after the heal: a crash of its own
  expect(intendedFaultOf(event('payments', 15), [kill])).toBeUndefined(); // another service
  expect(intendedFaultOf(event('rabbitmq', 99), [kill, open])).toBe(open); // not healed (yet)
});

test('intended events stay on the timeline, marked, and out of the failure category', () => {
  const fault: IntendedFault = {
    service: 'inventory',
    action: "faults.kill('inventory', { signal: 'SIGKILL' })",
    from: t(10),
    until: t(20),
  };
  const events: ContainerEvent[] = [
    { at: t(11), service: 'inventory', container: 'shop-inventory-1', action: 'kill' },
    { at: t(11), service: 'inventory', container: 'shop-inventory-1', action: 'die', exitCode: '137' },
    { at: t(25), service: 'payments', container: 'shop-payments-1', action: 'die', exitCode: '1' },
  ];
  const marked = events.map((event) => ({ ...event, intended: intendedFaultOf(event, [fault])?.action }));
  const problems = infraProblems(
    [],
    marked.filter((event) => !event.intended),
  );
  expect(problems).toEqual(['payments: die (exit 1) at 2026-01-01T00:00:25.000Z']);
  const onlyOurs = infraProblems(
    [],
    marked.slice(0, 2).filter((event) => !event.intended),
  );
  expect(
    categorise(
      { status: 'failed', timeout: 30_000, errors: [{ message: 'expect(received).toBe(expected)' }] },
      onlyOurs,
    ).category,
  ).toBe('PRODUCT');

  const timeline = renderTimeline('a journey', t(0), [], marked);
  expect(timeline).toContain(
    `| container | inventory die (exit 137) (intended: faults.kill('inventory', { signal: 'SIGKILL' })) |`,
  );
  expect(timeline).toContain('| container | payments die (exit 1) |');
  expect(formatEvents(marked)).toMatch(/shop-inventory-1\s+kill \(intended: faults\.kill/);
});

/** Another live process of ours, standing in for a second Playwright worker. */
async function withOtherWorker<T>(run: (pid: number) => Promise<T> | T): Promise<T> {
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)'], { stdio: 'ignore' });
  try {
    return await run(child.pid!);
  } finally {
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited; // reaped: a zombie still answers kill(pid, 0)
  }
}

const markOf = (project: string, name: string, mark: object) => {
  const dir = path.join(os.tmpdir(), 'compose-journeys-presence', project);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, name), JSON.stringify(mark));
};

test('a fault needs the stack to itself: another worker mid-journey makes it fail, naming the journey and the fix', async () => {
  const project = `unit-faults-${process.pid}-a`;
  await withOtherWorker((pid) => {
    markOf(project, `journey-${pid}`, {
      pid,
      test: 'an order is reserved, paid and notified',
      since: new Date().toISOString(),
    });
    expect(() => claimExclusive(project, 'inventory crashes', "faults.kill('inventory')")).toThrow(
      `faults.kill('inventory') would change stack ${project} under journeys other workers are running right now: "an order is reserved, paid and notified" (pid ${pid}).`,
    );
    expect(() => claimExclusive(project, 'inventory crashes', "faults.kill('inventory')")).toThrow('workers: 1');
  });
  // Its mark is left behind, but its process is gone: not a journey any more.
  claimExclusive(project, 'inventory crashes', "faults.kill('inventory')");
  releaseExclusive(project);
});

test('a journey that starts while another worker holds the stack for a fault fails, naming the fault', async () => {
  const project = `unit-faults-${process.pid}-b`;
  await withOtherWorker((pid) => {
    markOf(project, `exclusive-${pid}`, {
      pid,
      test: 'RabbitMQ restarts',
      what: "faults.stop('rabbitmq')",
      since: new Date().toISOString(),
    });
    expect(() => enterJourney(project, 'happy path')).toThrow(
      `Stack ${project} is being faulted by another worker (pid ${pid}, "RabbitMQ restarts": faults.stop('rabbitmq'))`,
    );
  });
  enterJourney(project, 'happy path');
  leaveJourney(project);
});

test('claims are counted: the faults and wiremock fixtures of one test may both hold the stack', () => {
  const project = `unit-faults-${process.pid}-c`;
  enterJourney(project, 'mine');
  claimExclusive(project, 'mine', "faults.pause('payments')"); // my own journey mark does not count
  claimExclusive(project, 'mine', 'a stub for every journey');
  releaseExclusive(project);
  const dir = path.join(os.tmpdir(), 'compose-journeys-presence', project);
  expect(existsSync(path.join(dir, `exclusive-${process.pid}`))).toBe(true);
  releaseExclusive(project);
  expect(existsSync(path.join(dir, `exclusive-${process.pid}`))).toBe(false);
  leaveJourney(project);
});
