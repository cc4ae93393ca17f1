import { spawn } from 'node:child_process';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { journeys, REPO, stackFile, startJourneys } from '../support/cli.ts';
import { projectResources, resourceCount, waitFor } from '../support/docker-resources.ts';

// Each holder is a run of its own: it must not inherit this test runner as the stack's owner.
const { JOURNEYS_OWNER_PID: _runnerOwner, ...holderEnv } = process.env;

test('SIGINT during up leaves no container, network or volume', async () => {
  const projectName = `jt-sigint-${Math.random().toString(36).slice(2, 7)}`;
  const child = startJourneys(['up', '-f', stackFile('ordering/compose.yml'), '-p', projectName]);
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  // Mid-start: containers exist, db is not healthy yet (it takes 2 s).
  await waitFor(() => projectResources(projectName).containers.length > 0, 30_000, 'the first container');
  child.kill('SIGINT');
  expect(await exited).toBe(130);
  expect(stderr).toContain('SIGINT: removing what this run started');
  expect(resourceCount(projectName)).toBe(0);
});

test('a SIGKILLed run leaves its stack, and reap removes all of it; a live run is left alone', async () => {
  const projectName = `jt-sigkill-${Math.random().toString(36).slice(2, 7)}`;
  const holder = spawn(process.execPath, ['--import', 'tsx', path.join(REPO, 'test/support/hold-stack.ts'), stackFile('ordering/compose.yml'), projectName], { cwd: REPO, env: holderEnv, stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    holder.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('READY') && resolve());
    holder.on('close', (code) => reject(new Error(`holder exited ${code} before the stack was ready`)));
  });
  const liveProject = `jt-live-${Math.random().toString(36).slice(2, 7)}`;
  const live = spawn(process.execPath, ['--import', 'tsx', path.join(REPO, 'test/support/hold-stack.ts'), stackFile('reuse/compose.yml'), liveProject], { cwd: REPO, env: holderEnv, stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    await new Promise<void>((resolve) => live.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('READY') && resolve()));

  holder.kill('SIGKILL');
  await new Promise((resolve) => holder.on('close', resolve));
  expect(projectResources(projectName).containers.length).toBe(4);

  // Every `up` also reaps, so a test starting a stack in the other worker may get there first:
  // either way the dead run's stack must be gone once `reap` returns.
  const reap = await journeys(['reap']);
  expect(reap.exitCode).toBe(0);
  expect(reap.stderr).toMatch(new RegExp(`removed .*${projectName}|nothing to reap`));
  expect(resourceCount(projectName)).toBe(0);
  expect(projectResources(liveProject).containers.length).toBe(1);

  } finally {
    // The live run cleans up after itself on SIGTERM, also when an assertion above failed.
    live.kill('SIGTERM');
    await new Promise((resolve) => live.on('close', resolve));
  }
});
