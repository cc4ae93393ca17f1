import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { defineStack, JourneysError, keepStack, removeProjectResources, startStack } from 'compose-journeys/stack';
import { journeys, stackFile } from '../support/cli.ts';
import { inspectProject, resourceCount } from '../support/docker-resources.ts';
import { engineProxy } from '../support/engine-proxy.ts';
import { runEnv } from '../support/holders.ts';
import { runPlaywright } from '../support/nested-playwright.ts';

const unique = (name: string) => `jt-${name}-${Math.random().toString(36).slice(2, 7)}`;

test('a dependant starts only after its dependency is healthy, and endpoints resolve by service name', async () => {
  const definition = await defineStack({ files: [stackFile('ordering/compose.yml')], projectName: unique('ordering') });
  const stack = await startStack(definition, { waitTimeoutSeconds: 60 });
  try {
    const containers = inspectProject(stack.projectName);
    const byService = (service: string) =>
      containers.find((c) => c.Config.Labels['com.docker.compose.service'] === service)!;
    // db's healthcheck passes only 2 s after it starts (it touches /tmp/ready then): from the engine's
    // own timestamps, migrate and api started no earlier than that.
    const dbStarted = Date.parse(byService('db').State.StartedAt);
    for (const dependant of ['migrate', 'api']) {
      expect(Date.parse(byService(dependant).State.StartedAt) - dbStarted).toBeGreaterThanOrEqual(2000);
    }
    const api = stack.endpoints.get('api');
    expect(api).toMatchObject({ service: 'api', containerPort: 8080, host: '127.0.0.1' });
    expect(await (await fetch(stack.endpoints.url('api'))).text()).toBe('hello from api');
    expect(() => stack.endpoints.get('nope')).toThrow(/No published port for service "nope".*api/);
  } finally {
    await stack.stop();
  }
  expect(resourceCount(stack.projectName)).toBe(0);
});

test('an exit-0 one-shot nobody depends on does not fail the start', async () => {
  // `seed` in the ordering stack: bare `docker compose up --wait` exits 1 on it.
  const definition = await defineStack({ files: [stackFile('ordering/compose.yml')], projectName: unique('seed') });
  const stack = await startStack(definition, { waitTimeoutSeconds: 60 });
  const seed = (await stack.containers()).find((container) => container.service === 'seed')!;
  expect(seed).toMatchObject({ status: 'exited', exitCode: 0 });
  await stack.stop();
});

test('an unhealthy service fails the start within the wait timeout + 5 s, naming it with its health output, leaving nothing', async () => {
  const projectName = unique('unhealthy');
  const definition = await defineStack({ files: [stackFile('unhealthy/compose.yml')], projectName });
  const waitTimeoutSeconds = 8;
  const started = Date.now();
  const error = await startStack(definition, { waitTimeoutSeconds }).catch((e: unknown) => e);
  expect(Date.now() - started).toBeLessThan((waitTimeoutSeconds + 5) * 1000);
  expect(error).toBeInstanceOf(JourneysError);
  const failure = error as JourneysError;
  expect(failure.category).toBe('HEALTHCHECK_TIMEOUT');
  expect(failure.message).toContain('db (unhealthy)');
  expect(failure.details).toContain('db: not accepting connections on 5432');
  expect(failure.details).toMatch(/blocked behind it: api/);
  expect(resourceCount(projectName)).toBe(0);
});

test('a one-shot that exits 1 fails the start with its logs', async () => {
  const projectName = unique('oneshot');
  const definition = await defineStack({ files: [stackFile('one-shot-fails/compose.yml')], projectName });
  const error = (await startStack(definition, { waitTimeoutSeconds: 30 }).catch((e: unknown) => e)) as JourneysError;
  expect(error.category).toBe('ONE_SHOT_FAILED');
  expect(error.message).toContain('migrate (exited)');
  expect(error.details).toContain('exited (1)');
  expect(error.details).toContain('migration 002_orders.sql failed: relation "customers" does not exist');
  expect(error.details).toMatch(/blocked behind it: api/);
  expect(resourceCount(projectName)).toBe(0);
});

test('reuse keeps an unchanged running stack and recreates a changed one', async () => {
  const projectName = unique('reuse');
  const files = [stackFile('reuse/compose.yml')];
  const first = await startStack(await defineStack({ files, projectName, reuse: true }));
  const idsBefore = (await first.containers()).map((c) => c.id);

  const again = await startStack(await defineStack({ files, projectName, reuse: true }));
  expect(again.reused).toBe(true);
  expect((await again.containers()).map((c) => c.id)).toEqual(idsBefore);

  process.env.REUSE_GREETING = 'changed';
  try {
    const changed = await startStack(await defineStack({ files, projectName, reuse: true }));
    expect(changed.reused).toBe(false);
    const idsAfter = (await changed.containers()).map((c) => c.id);
    expect(idsAfter.some((id) => idsBefore.includes(id))).toBe(false);
    await changed.stop();
  } finally {
    delete process.env.REUSE_GREETING;
  }
  expect(resourceCount(projectName)).toBe(0);
});

test('reuse takes a kept stack (journeys up) but not one another run owns', async () => {
  const projectName = unique('reuse-owner');
  const files = [stackFile('reuse/compose.yml')];
  // Started by a run without JOURNEYS_REUSE: that run's, reap removes it once the run is gone.
  const owned = await startStack(await defineStack({ files, projectName, reuse: false }));
  const ownedIds = (await owned.containers()).map((c) => c.id);
  const lines: string[] = [];
  const second = await startStack(await defineStack({ files, projectName, reuse: true }), {
    log: (line) => lines.push(line),
  });
  expect(second.reused).toBe(false);
  expect(lines.join('\n')).toContain(
    `${projectName} belongs to another run (started without JOURNEYS_REUSE): recreating`,
  );
  expect((await second.containers()).map((c) => c.id).some((id) => ownedIds.includes(id))).toBe(false);
  await second.stop();

  // `journeys up` starts without reuse and keeps the stack: a later run with reuse takes it as it is.
  const up = await startStack(await defineStack({ files, projectName, reuse: false }));
  keepStack(up.target, 'started by journeys up');
  const upIds = (await up.containers()).map((c) => c.id);
  const reused = await startStack(await defineStack({ files, projectName, reuse: true }));
  expect(reused.reused).toBe(true);
  expect((await reused.containers()).map((c) => c.id)).toEqual(upIds);
  await removeProjectResources(projectName);
  expect(resourceCount(projectName)).toBe(0);
});

test('JOURNEYS_REUSE=1: a run that finds its stack running and unchanged at config load needs no setup test', async () => {
  const projectName = unique('reuse-run');
  const config = stackFile('reuse/run/playwright.config.ts');
  const run = (extra: Record<string, string> = {}) =>
    runPlaywright(config, [], { JOURNEYS_REUSE: '1', JOURNEYS_PROJECT: projectName, ...extra });
  try {
    const first = await run();
    expect(first.exitCode, first.output).toBe(0);
    expect(first.output).toContain('start the stack');
    const idsBefore = containerIds(projectName);

    const second = await run();
    expect(second.exitCode, second.output).toBe(0);
    expect(second.output).toMatch(
      new RegExp(`reusing running stack ${projectName} \\(config unchanged, ready; checked in \\d+ ms\\)`),
    );
    expect(second.output).not.toContain('start the stack');
    expect(second.output).toContain('1 passed');
    expect(containerIds(projectName)).toEqual(idsBefore);

    // Changed: the setup test recreates it, and the journey sees the new config and port.
    const changed = await run({ REUSE_GREETING: 'changed' });
    expect(changed.exitCode, changed.output).toBe(0);
    expect(changed.output).toContain('start the stack');
    expect(changed.output).toContain(`config of ${projectName} changed since it was started: recreating`);
    expect(containerIds(projectName).some((id) => idsBefore.includes(id))).toBe(false);

    // Stopped behind its back: the check sees it is not ready, and the setup test starts it again.
    execFileSync('docker', ['compose', '-p', projectName, 'stop', '-t', '0'], { stdio: 'ignore' });
    const stopped = await run({ REUSE_GREETING: 'changed' });
    expect(stopped.exitCode, stopped.output).toBe(0);
    expect(stopped.output).toContain('start the stack');
  } finally {
    await removeProjectResources(projectName);
  }
  expect(resourceCount(projectName)).toBe(0);
});

function containerIds(projectName: string): string[] {
  return execFileSync('docker', ['ps', '-aq', '--filter', `label=com.docker.compose.project=${projectName}`], {
    encoding: 'utf8',
  })
    .split('\n')
    .filter(Boolean)
    .sort();
}

test('the reuse check is the config hash and one look at the engine (its API locally, one docker ps elsewhere); a changed input is never reused stale', async () => {
  const projectName = unique('reuse-cost');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'jt-reuse-'));
  // The stack reads an env file: its content is an input the cache key must cover.
  cpSync(stackFile('reuse-env'), dir, { recursive: true });
  const file = path.join(dir, 'compose.yml');
  // A docker that logs each call before it runs the real one.
  const shim = path.join(dir, 'bin');
  const calls = path.join(dir, 'calls.log');
  mkdirSync(shim);
  const realDocker = execFileSync('sh', ['-c', 'command -v docker'], { encoding: 'utf8' }).trim();
  writeFileSync(path.join(shim, 'docker'), `#!/bin/sh\necho "$*" >> ${calls}\nexec ${realDocker} "$@"\n`, {
    mode: 0o755,
  });
  const env = { ...runEnv(), JOURNEYS_REUSE: '1', PATH: `${shim}:${process.env.PATH}` };
  const up = () => journeys(['up', '-f', file, '-p', projectName], env);
  try {
    expect((await up()).exitCode).toBe(0);
    writeFileSync(calls, '');
    const again = await up();
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.stderr).toContain('is up (reused)');
    // The local engine is asked through its API socket: no docker process at all.
    expect(readFileSync(calls, 'utf8').trim()).toBe('');
    // An engine at tcp:// (a remote one, here a proxy on loopback to the local socket) is the CLI's: one `docker ps`.
    const tcp = await engineProxy();
    try {
      const viaCli = await journeys(['up', '-f', file, '-p', projectName], {
        ...env,
        DOCKER_HOST: tcp.dockerHost,
      });
      expect(viaCli.stderr).toContain('is up (reused)');
      expect(readFileSync(calls, 'utf8').trim().split('\n')).toEqual([
        expect.stringMatching(/^ps -a --no-trunc --filter label=com\.docker\.compose\.project=/),
      ]);
    } finally {
      await tcp.close();
    }

    writeFileSync(path.join(dir, 'app.env'), 'GREETING=changed\n');
    const changed = await up();
    expect(changed.exitCode, changed.stderr).toBe(0);
    expect(changed.stderr).toContain(`config of ${projectName} changed since it was started: recreating`);
    const greeting = execFileSync(
      'docker',
      ['compose', '-p', projectName, 'exec', '-T', 'app', 'printenv', 'GREETING'],
      { encoding: 'utf8' },
    ).trim();
    expect(greeting).toBe('changed');
  } finally {
    const down = await journeys(['down', '-p', projectName]);
    expect(down.exitCode, down.stderr).toBe(0);
    rmSync(dir, { recursive: true, force: true });
  }
  expect(resourceCount(projectName)).toBe(0);
});
