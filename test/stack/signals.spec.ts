import { expect, test } from '@playwright/test';
import { removeProjectResources } from 'compose-journeys/stack';
import { journeys, stackFile, startJourneys } from '../support/cli.ts';
import { projectResources, resourceCount, waitFor } from '../support/docker-resources.ts';
import { engineProxy } from '../support/engine-proxy.ts';
import { holdStack, runEnv } from '../support/holders.ts';

const unique = (name: string) => `jt-${name}-${Math.random().toString(36).slice(2, 7)}`;

test('SIGINT during journeys up leaves no container, network or volume', async () => {
  const projectName = unique('sigint');
  const child = startJourneys(['up', '-f', stackFile('ordering/compose.yml'), '-p', projectName], runEnv());
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

test('a SIGKILLed run: its watchdog removes the stack within seconds, and a live run keeps its own', async () => {
  const projectName = unique('sigkill');
  const liveProject = unique('live');
  const holder = holdStack(stackFile('ordering/compose.yml'), projectName);
  const live = holdStack(stackFile('reuse/compose.yml'), liveProject);
  try {
    await Promise.all([holder.ready, live.ready]);
    expect(projectResources(projectName).containers.length).toBe(4);
    holder.child.kill('SIGKILL');
    const killedAt = Date.now();
    await holder.exited;
    await waitFor(() => resourceCount(projectName) === 0, 30_000, `the watchdog to remove ${projectName}`);
    expect(Date.now() - killedAt).toBeLessThan(30_000);
    expect(projectResources(liveProject).containers.length).toBe(1);
  } finally {
    await Promise.all([holder.stop('SIGKILL'), live.stop('SIGTERM')]);
  }
  expect(resourceCount(liveProject)).toBe(0);
});

test('a dead run without a watchdog is reaped; reap leaves a live run alone', async () => {
  const projectName = unique('nowatch');
  const liveProject = unique('live');
  const holder = holdStack(stackFile('ordering/compose.yml'), projectName, ['--no-watchdog']);
  const live = holdStack(stackFile('reuse/compose.yml'), liveProject);
  try {
    await Promise.all([holder.ready, live.ready]);
    holder.child.kill('SIGKILL');
    await holder.exited;
    // Nobody removes it now (no watchdog), unless a start in the other worker reaped it already.
    expect([0, 4]).toContain(projectResources(projectName).containers.length);

    // A plain reap, over the whole engine: it only removes stacks whose owner is provably gone.
    const reap = await journeys(['reap'], runEnv());
    expect(reap.exitCode, reap.stderr).toBe(0);
    expect(`${reap.stdout}${reap.stderr}`).toMatch(
      new RegExp(`removed ${projectName} .*no longer exists|nothing to reap`),
    );
    expect(resourceCount(projectName)).toBe(0);
    expect(projectResources(liveProject).containers.length).toBe(1);
  } finally {
    await Promise.all([holder.stop('SIGKILL'), live.stop('SIGTERM')]);
  }
});

for (const through of ['the engine API', 'the docker CLI (a remote engine, at tcp://)']) {
  test(`two removers of one stack at once, through ${through}: both succeed and nothing is left`, async () => {
    // The second remover finds the containers' removal already in progress and must wait for it:
    // moving on, its network removal found them still attached ("has active endpoints", a red CI run).
    const projectName = unique('twice');
    const holder = holdStack(stackFile('ordering/compose.yml'), projectName, ['--no-watchdog']);
    const dockerHost = process.env.DOCKER_HOST;
    const tcp = through === 'the engine API' ? undefined : await engineProxy();
    try {
      await holder.ready;
      holder.child.kill('SIGKILL');
      await holder.exited;
      if (tcp) process.env.DOCKER_HOST = tcp.dockerHost;
      // In one process, so that the two overlap every time (two `journeys down` processes did 1 in 4).
      const removals = await Promise.allSettled([
        removeProjectResources(projectName),
        removeProjectResources(projectName),
      ]);
      // Back to the socket before anything synchronous asks the engine: the proxy lives in this event loop.
      if (dockerHost === undefined) delete process.env.DOCKER_HOST;
      else process.env.DOCKER_HOST = dockerHost;
      expect(removals.map((removal) => (removal.status === 'rejected' ? String(removal.reason) : 'ok'))).toEqual([
        'ok',
        'ok',
      ]);
      expect(resourceCount(projectName)).toBe(0);
    } finally {
      if (dockerHost === undefined) delete process.env.DOCKER_HOST;
      else process.env.DOCKER_HOST = dockerHost;
      await tcp?.close();
      await holder.stop('SIGKILL');
    }
  });
}
