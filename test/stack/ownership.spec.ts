import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { processStartTime } from '../../src/run/run-identity.ts';
import { journeys, stackFile } from '../support/cli.ts';
import { projectResources, resourceCount } from '../support/docker-resources.ts';
import { holdStack, runEnv } from '../support/holders.ts';

// Every reap here is scoped with -p to this test's own projects: other engineers' stacks on this
// engine are not ours to remove, not even when they would qualify for `--all`.
const unique = (name: string) => `jt-${name}-${Math.random().toString(36).slice(2, 7)}`;

test('a dead owner whose pid now belongs to another live process is still reaped', async () => {
  // The recycled pid: a live process, and a stack labelled with that pid but another start time,
  // as the stack of a run that died before the pid was handed out again would be.
  const other = spawn('sleep', ['300'], { stdio: 'ignore' });
  const started = processStartTime(other.pid!)!;
  const recycled = unique('recycled');
  const alive = unique('same-start');
  const liveHolder = holdStack(stackFile('reuse/compose.yml'), alive, ['--owner', `${other.pid}:${started}`]);
  // Dead from its first second. A start elsewhere on this engine (the other worker's tests) reaps
  // alongside but leaves stacks younger than 30 s; a whole-engine `journeys reap` of another test may
  // still remove it while it starts. Then it is started again.
  let deadHolder = holdStack(stackFile('reuse/compose.yml'), recycled, ['--owner', `${other.pid}:${started - 7}`]);
  for (
    let attempt = 1;
    attempt < 4 &&
    !(await deadHolder.ready.then(
      () => true,
      () => false,
    ));
    attempt++
  ) {
    deadHolder = holdStack(stackFile('reuse/compose.yml'), recycled, ['--owner', `${other.pid}:${started - 7}`]);
  }
  try {
    await Promise.all([deadHolder.ready, liveHolder.ready]);
    const reaped = await journeys(['reap', '-p', recycled], runEnv());
    expect(reaped.exitCode, reaped.stderr).toBe(0);
    // Any other start on this engine reaps alongside and may have got there first: either way it is gone.
    expect(`${reaped.stdout}${reaped.stderr}`).toMatch(
      new RegExp(`removed ${recycled}  \\(pid ${other.pid} now belongs to another process|nothing to reap`),
    );
    expect(resourceCount(recycled)).toBe(0);

    // The same pid with its own start time is that process: its stack stays, even with --all.
    const kept = await journeys(['reap', '--all', '-p', alive], runEnv());
    expect(kept.exitCode, kept.stderr).toBe(0);
    expect(kept.stderr).toContain(`left ${alive}: its run is alive`);
    expect(projectResources(alive).containers.length).toBe(1);
  } finally {
    other.kill('SIGKILL');
    await Promise.all([deadHolder.stop(), liveHolder.stop()]);
    await journeys(['down', '-p', alive]);
  }
});

test("two live runs on one engine never remove each other's stacks, with or without --all", async () => {
  const first = unique('run-a');
  const second = unique('run-b');
  const a = holdStack(stackFile('reuse/compose.yml'), first);
  await a.ready;
  // The second run's start reaps alongside (over the whole engine): the first run's stack stays.
  const b = holdStack(stackFile('reuse/compose.yml'), second);
  try {
    await b.ready;
    expect(projectResources(first).containers.length).toBe(1);
    for (const args of [
      ['reap'],
      ['reap', '--all', '-p', first],
      ['reap', '--all', '-p', second],
      ['reap', '--other-owners', '-p', first],
    ]) {
      const run = await journeys(args, runEnv());
      expect(run.exitCode, run.stderr).toBe(0);
      expect(`${run.stdout}`).not.toMatch(new RegExp(`removed (${first}|${second})`));
    }
    expect(projectResources(first).containers.length).toBe(1);
    expect(projectResources(second).containers.length).toBe(1);
  } finally {
    await Promise.all([a.stop(), b.stop()]);
  }
  expect(resourceCount(first) + resourceCount(second)).toBe(0);
});

test('reap keeps a journeys up stack; reap --all removes it and says whose stacks it removes', async () => {
  const projectName = unique('kept');
  const up = await journeys(['up', '-f', stackFile('reuse/compose.yml'), '-p', projectName], runEnv());
  expect(up.exitCode, up.stderr).toBe(0);
  try {
    const reap = await journeys(['reap', '-p', projectName], runEnv());
    expect(reap.stderr).toContain(`left ${projectName}: kept on purpose`);
    // Kept is on the engine too (a label): a reap with another state directory (TMPDIR) keeps it as well.
    const elsewhere = await journeys(
      ['reap', '-p', projectName],
      runEnv({ JOURNEYS_STATE_DIR: path.join(os.tmpdir(), `jt-empty-state-${process.pid}`) }),
    );
    expect(elsewhere.stderr).toContain(`left ${projectName}: kept on purpose`);
    expect(resourceCount(projectName)).toBeGreaterThan(0);
    const all = await journeys(['reap', '--all', '-p', projectName], runEnv());
    expect(all.exitCode, all.stderr).toBe(0);
    expect(all.stderr).toMatch(/--all: removing only stacks started by \S+@\S+ whose run is over/);
    expect(all.stdout).toContain(`removed ${projectName}`);
    expect(resourceCount(projectName)).toBe(0);
  } finally {
    await journeys(['down', '-p', projectName]);
  }
});

test('a stack of another owner is only removed with --other-owners, which prints the owner', async () => {
  const projectName = unique('foreign');
  // Another machine's run sharing this engine: its pid means nothing here.
  const holder = holdStack(stackFile('reuse/compose.yml'), projectName, ['--owner-host', 'ci-runner-7']);
  try {
    await holder.ready;
    for (const args of [
      ['reap', '-p', projectName],
      ['reap', '--all', '-p', projectName],
    ]) {
      const run = await journeys(args, runEnv());
      expect(run.exitCode, run.stderr).toBe(0);
      expect(run.stderr).toContain(`left ${projectName}: another owner (`);
      expect(resourceCount(projectName)).toBeGreaterThan(0);
    }
    const others = await journeys(['reap', '--other-owners', '-p', projectName], runEnv());
    expect(others.exitCode, others.stderr).toBe(0);
    expect(others.stdout).toMatch(new RegExp(`removed ${projectName} .*\\[other owner: \\S+@ci-runner-7 pid \\d+\\]`));
    expect(resourceCount(projectName)).toBe(0);
  } finally {
    await holder.stop();
    await journeys(['down', '-p', projectName]);
  }
});
