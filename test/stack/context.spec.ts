// An engine reached only through a Docker context (what Colima, Docker Desktop on Linux and rootless
// Docker set up: `docker context use …`, no DOCKER_HOST, no /var/run/docker.sock), or through
// DOCKER_HOST=tcp://… (a remote engine). Every command runs in a mount namespace where /run (and so
// /var/run/docker.sock) is an empty tmpfs: a call that went to the default socket fails for real.
// The engine is reached through a proxy that counts its connections.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { REPO, stackFile } from '../support/cli.ts';
import { resourceCount } from '../support/docker-resources.ts';
import { type EngineProxy, engineProxy } from '../support/engine-proxy.ts';
import { runEnv } from '../support/holders.ts';

const canHideRun = process.getuid?.() === 0 && spawnSync('unshare', ['--mount', 'true']).status === 0;

interface Run {
  exitCode: number;
  output: string;
}

/** A command with /run hidden (an empty tmpfs in a mount namespace of its own). */
function withoutDefaultSocket(command: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<Run> {
  const child = spawn(
    'unshare',
    [
      '--mount',
      '--propagation',
      'private',
      'sh',
      '-c',
      'mount -t tmpfs tmpfs /run && test ! -e /var/run/docker.sock && exec "$@"',
      'sh',
      command,
      ...args,
    ],
    { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ exitCode: code ?? 1, output })));
}

const journeys = (args: string[], env: NodeJS.ProcessEnv) =>
  withoutDefaultSocket(process.execPath, [path.join(REPO, 'bin/journeys.js'), ...args], env);

/** Engine → context (a config of this test's own) or tcp:// address. */
const WAYS = {
  context: (proxy: EngineProxy, dir: string) => {
    const config = path.join(dir, 'docker-config');
    const docker = (...args: string[]) => spawnSync('docker', ['--config', config, ...args], { encoding: 'utf8' });
    expect(docker('context', 'create', 'alt', '--docker', `host=${proxy.dockerHost}`).status).toBe(0);
    expect(docker('context', 'use', 'alt').status).toBe(0);
    return { DOCKER_CONFIG: config, DOCKER_HOST: undefined, DOCKER_CONTEXT: undefined };
  },
  tcp: (proxy: EngineProxy) => ({ DOCKER_HOST: proxy.dockerHost, DOCKER_CONTEXT: undefined }),
};

for (const [way, setUp] of Object.entries(WAYS)) {
  test(`through ${way === 'context' ? 'a context whose socket is not /var/run/docker.sock' : 'DOCKER_HOST=tcp://127.0.0.1:…'}: up, a Playwright run with a fault, reap and down work; nothing is left`, async () => {
    test.skip(!canHideRun, 'needs root and unshare to hide /var/run/docker.sock');
    test.setTimeout(300_000);
    const dir = mkdtempSync(path.join(os.tmpdir(), `cj-${way}-`));
    const proxy = await engineProxy(way === 'context' ? path.join(dir, 'engine.sock') : undefined);
    const suffix = Math.random().toString(36).slice(2, 7);
    const [upProject, runProject] = [`jt-${way}-up-${suffix}`, `jt-${way}-run-${suffix}`];
    const env = runEnv({ ...setUp(proxy, dir), JOURNEYS_STATE_DIR: path.join(dir, 'state') });
    try {
      // The docker CLI itself finds no engine at the default socket here: the namespace really hides it.
      const bare = await withoutDefaultSocket('docker', ['version'], {
        ...env,
        DOCKER_HOST: undefined,
        DOCKER_CONFIG: dir,
      });
      expect(bare.output).toMatch(/Cannot connect to the Docker daemon at unix:\/\/\/var\/run\/docker.sock/);

      const used = (what: string, since: number) =>
        expect(proxy.connections() - since, `${what} went to the engine through the ${way}`).toBeGreaterThan(0);
      let before = proxy.connections();
      const up = await journeys(['up', '-f', stackFile('reuse/compose.yml'), '-p', upProject], env);
      expect(up.exitCode, up.output).toBe(0);
      used('up', before);

      before = proxy.connections();
      const out = path.join(dir, 'nested');
      const run = await withoutDefaultSocket(
        'npx',
        ['--no-install', 'playwright', 'test', '--config', 'test/stack/context/nested.config.ts'],
        { ...env, CONTEXT_OUT: out, JOURNEYS_PROJECT: runProject },
      );
      expect(run.exitCode, run.output).toBe(0);
      used('the Playwright run', before);
      const report = readFileSync(path.join(out, 'report.json'), 'utf8');
      expect(JSON.parse(report).stats).toMatchObject({ unexpected: 0, skipped: 0 });
      expect(report).toContain('"title": "a fault and its heal, on the engine the docker CLI talks to"');
      expect(resourceCount(runProject), 'the run removed its stack').toBe(0);

      // `up` kept its stack; `reap --all` takes a kept stack of mine whose run is over.
      before = proxy.connections();
      const reaped = await journeys(['reap', '--all', '-p', upProject], env);
      expect(reaped.exitCode, reaped.output).toBe(0);
      expect(reaped.output).toContain(`removed ${upProject}`);
      used('reap', before);
      expect(resourceCount(upProject)).toBe(0);

      const again = await journeys(['up', '-f', stackFile('reuse/compose.yml'), '-p', upProject], env);
      expect(again.exitCode, again.output).toBe(0);
      before = proxy.connections();
      const down = await journeys(['down', '-p', upProject], env);
      expect(down.exitCode, down.output).toBe(0);
      used('down', before);
      expect(resourceCount(upProject)).toBe(0);
    } finally {
      for (const project of [upProject, runProject]) {
        const ids = spawnSync('docker', ['ps', '-aq', '--filter', `label=com.docker.compose.project=${project}`], {
          encoding: 'utf8',
        }).stdout;
        if (ids.trim()) spawnSync('docker', ['rm', '-f', '-v', ...ids.split('\n').filter(Boolean)]);
        spawnSync('docker', ['network', 'rm', `${project}_default`]);
      }
      await proxy.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
