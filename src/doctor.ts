import { statfsSync } from 'node:fs';
import { BASE_IMAGE, imageExists, NODE_IMAGE } from './provision/base-images.ts';
import { composeVersion, MIN_COMPOSE_VERSION, versionAtLeast } from './provision/compose-plugin.ts';
import { registryReachable } from './stack/registry-probe.ts';
import { commandExists, runCommand } from './util/run-command.ts';

export interface Check {
  name: string;
  status: 'ok' | 'warn' | 'fail';
  detail: string;
  fix?: string;
}

const MIN_FREE_GIB = 5;

/** What a run needs from this machine, each problem with its fix. Never changes anything. */
export async function doctor(): Promise<Check[]> {
  const checks: Check[] = [];
  if (!(await commandExists('docker'))) {
    return [{ name: 'docker CLI', status: 'fail', detail: 'no `docker` on PATH', fix: 'on Debian/Ubuntu as root: `npx journeys provision`; elsewhere install Docker Engine or Docker Desktop' }];
  }
  const info = await runCommand('docker', ['info', '--format', '{{json .}}'], { timeoutMs: 15_000 });
  if (info.exitCode !== 0) {
    checks.push({ name: 'Docker engine', status: 'fail', detail: info.stderr.trim().split('\n')[0] ?? 'not reachable', fix: 'start it: `sudo systemctl start docker`, or `npx journeys provision` (starts dockerd where there is no systemd)' });
    return checks;
  }
  const engine = JSON.parse(info.stdout) as { ServerVersion: string; DockerRootDir: string; OperatingSystem: string };
  checks.push({ name: 'Docker engine', status: 'ok', detail: `${engine.ServerVersion} (${engine.OperatingSystem})` });

  const compose = await composeVersion();
  if (!compose) checks.push({ name: 'Compose v2', status: 'fail', detail: '`docker compose` is missing', fix: 'install the Compose v2 plugin: `npx journeys provision` on Debian/Ubuntu' });
  else if (!versionAtLeast(compose, MIN_COMPOSE_VERSION)) checks.push({ name: 'Compose v2', status: 'fail', detail: `${compose} lacks what we use (up --wait-timeout, config/ps --format json)`, fix: `upgrade to Compose >= ${MIN_COMPOSE_VERSION}` });
  else checks.push({ name: 'Compose v2', status: 'ok', detail: `${compose} (up --wait --wait-timeout, config --format json, ps --format json)` });

  try {
    const stats = statfsSync(engine.DockerRootDir);
    const freeGib = (stats.bavail * stats.bsize) / 2 ** 30;
    checks.push(freeGib < MIN_FREE_GIB
      ? { name: 'Free disk', status: 'warn', detail: `${freeGib.toFixed(1)} GiB free in ${engine.DockerRootDir}`, fix: '`docker system prune` or free space: image builds need a few GiB' }
      : { name: 'Free disk', status: 'ok', detail: `${freeGib.toFixed(1)} GiB free in ${engine.DockerRootDir}` });
  } catch {
    checks.push({ name: 'Free disk', status: 'warn', detail: `cannot read ${engine.DockerRootDir} (remote engine?)` });
  }

  if (await registryReachable()) {
    checks.push({ name: 'Image registry', status: 'ok', detail: 'reachable: stacks use their public images' });
  } else {
    const bases = await Promise.all([imageExists(BASE_IMAGE), imageExists(NODE_IMAGE)]);
    checks.push(bases.every(Boolean)
      ? { name: 'Image registry', status: 'ok', detail: `not reachable: stacks use their offline overrides, base images ${BASE_IMAGE} and ${NODE_IMAGE} are present` }
      : { name: 'Image registry', status: 'warn', detail: 'not reachable and the offline base images are missing', fix: '`npx journeys provision` builds them' });
  }
  return checks;
}

export function formatCheck(check: Check): string {
  const mark = { ok: '✓', warn: '!', fail: '✗' }[check.status];
  return `${mark} ${check.name}: ${check.detail}${check.fix ? `\n    fix: ${check.fix}` : ''}`;
}
