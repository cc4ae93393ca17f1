// An engine reached through a Docker context (what Colima, Docker Desktop on Linux and rootless Docker set
// up: `docker context use …`, no DOCKER_HOST): every call goes to the context's engine. Here the context's
// socket is a proxy to the local engine that counts what reaches it, so a call to /var/run/docker.sock
// directly (the wrong engine, on a machine that has two) shows as one the proxy never saw.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { journeys, stackFile } from '../support/cli.ts';
import { resourceCount } from '../support/docker-resources.ts';
import { engineProxy } from '../support/engine-proxy.ts';
import { runEnv } from '../support/holders.ts';

test('journeys up and down through a context whose socket is not /var/run/docker.sock: the context is used, nothing left', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cj-context-'));
  const socket = path.join(dir, 'engine.sock');
  const proxy = await engineProxy(socket);
  const projectName = `jt-context-${Math.random().toString(36).slice(2, 7)}`;
  // The docker CLI's own commands make the context and select it, in a config of this test only.
  const config = path.join(dir, 'docker-config');
  const docker = (...args: string[]) => spawnSync('docker', ['--config', config, ...args], { encoding: 'utf8' });
  expect(docker('context', 'create', 'alt', '--docker', `host=${proxy.dockerHost}`).status).toBe(0);
  expect(docker('context', 'use', 'alt').status).toBe(0);
  const env = runEnv({ DOCKER_CONFIG: config, DOCKER_HOST: undefined, DOCKER_CONTEXT: undefined });
  try {
    const up = await journeys(['up', '-f', stackFile('reuse/compose.yml'), '-p', projectName], env);
    expect(up.exitCode, up.stderr).toBe(0);
    expect(proxy.connections(), 'up went through the context').toBeGreaterThan(0);
    const beforeDown = proxy.connections();
    // down removes by the engine API (no CLI): with the context ignored it would go to /var/run/docker.sock.
    const down = await journeys(['down', '-p', projectName], env);
    expect(down.exitCode, down.stderr).toBe(0);
    expect(proxy.connections() - beforeDown, 'down went through the context').toBeGreaterThan(0);
    expect(resourceCount(projectName)).toBe(0);
  } finally {
    spawnSync('docker', ['rm', '-f', '-v', ...listProject(projectName)]);
    await proxy.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

function listProject(projectName: string): string[] {
  const found = spawnSync('docker', ['ps', '-aq', '--filter', `label=com.docker.compose.project=${projectName}`], {
    encoding: 'utf8',
  });
  return found.stdout.split('\n').filter(Boolean);
}
