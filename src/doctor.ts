import { statfsSync } from 'node:fs';
import { currentEngine } from './engine/current-engine.ts';
import type { Engine } from './engine/engine.ts';
import { engineFix } from './engine/engine-unavailable.ts';
import { JourneysError } from './errors.ts';
import { BASE_IMAGE, imageExists, NODE_IMAGE } from './provision/base-images.ts';
import {
  composeVersion,
  MIN_COMPOSE_VERSION,
  START_INTERVAL_ENGINE,
  versionAtLeast,
} from './provision/compose-plugin.ts';
import { engineEndpoint } from './provision/engine-endpoint.ts';
import { type Host, realHost } from './provision/host.ts';
import { registryReachable } from './stack/registry-probe.ts';

export interface Check {
  name: string;
  status: 'ok' | 'warn' | 'fail';
  detail: string;
  fix?: string;
}

const MIN_FREE_GIB = 5;

/** How to get a working engine on this kind of machine, for the fix lines. */
function installHint(host: Host): string {
  if (host.platform === 'darwin') return 'install and start Docker Desktop, or `colima start`';
  if (host.platform === 'win32') return 'install and start Docker Desktop';
  return 'on Debian/Ubuntu as root `npx journeys provision` installs it; elsewhere install Docker Engine';
}

/** What a run needs from this machine, each problem with its fix. Never changes anything. */
/** `runnerEngine`: the runner's way to the same endpoint (the API socket where it is local). */
export async function doctor(
  host: Host = realHost,
  runnerEngine: Pick<Engine, 'version' | 'registryHas'> = currentEngine(),
): Promise<Check[]> {
  const checks: Check[] = [];
  // Whether the program is there at all: every question to the engine below goes through host.engine.
  if (!(await host.commandExists('docker'))) {
    return [{ name: 'docker CLI', status: 'fail', detail: 'no `docker` on PATH', fix: installHint(host) }];
  }
  const endpoint = engineEndpoint(host);
  const info = await host.engine.info().then(
    (answer) => ({ answer }),
    (error: Error) => ({ refusal: error instanceof JourneysError ? (error.details ?? error.message) : error.message }),
  );
  if ('refusal' in info) {
    const fix = !endpoint.local
      ? engineFix(host.engine.endpoint)
      : host.platform === 'linux'
        ? `start it: \`sudo systemctl start docker\`; ${installHint(host)}`
        : installHint(host);
    checks.push({
      name: 'Docker engine',
      status: 'fail',
      detail: `${endpoint.description}: ${info.refusal.trim().split('\n')[0] || 'not reachable'}`,
      fix,
    });
  } else {
    const engine = info.answer;
    const old = !versionAtLeast(engine.serverVersion, START_INTERVAL_ENGINE);
    checks.push(
      old
        ? {
            name: 'Docker engine',
            status: 'warn',
            detail: `${engine.serverVersion} (${engine.operatingSystem}) ignores healthcheck start_interval: stacks start slower and probe at \`interval\` forever`,
            fix: `upgrade to Engine >= ${START_INTERVAL_ENGINE} (Debian 12: docker.io from Debian 13, as \`journeys provision\` installs it)`,
          }
        : {
            name: 'Docker engine',
            status: 'ok',
            detail: `${engine.serverVersion} (${engine.operatingSystem}), ${endpoint.description}`,
          },
    );
    checks.push(freeDisk(engine.rootDir, endpoint.local));
    // The CLI answered; the way the runner goes (the API socket of the same endpoint) must too.
    const access = await runnerEngine.version().then(
      () => undefined,
      (error: Error) => (error instanceof JourneysError ? (error.details ?? error.message) : error.message),
    );
    if (access)
      checks.push({
        name: 'Engine access',
        status: 'fail',
        detail: `the docker CLI reaches the engine, the runner does not: ${access.split('\n')[0]}`,
        fix: 'check the socket permissions (the docker group), or set DOCKER_HOST to the address `docker context inspect` shows',
      });
  }

  const compose = await composeVersion(host);
  if (!compose)
    checks.push({
      name: 'Compose v2',
      status: 'fail',
      detail: '`docker compose` is missing',
      fix: `install the Compose v2 plugin (>= ${MIN_COMPOSE_VERSION}); ${installHint(host)}`,
    });
  else if (!versionAtLeast(compose, MIN_COMPOSE_VERSION))
    checks.push({
      name: 'Compose v2',
      status: 'fail',
      detail: `${compose} lacks what we use (up --wait-timeout, config/ps --format json)`,
      fix: `upgrade to Compose >= ${MIN_COMPOSE_VERSION}`,
    });
  else checks.push({ name: 'Compose v2', status: 'ok', detail: compose });

  if ('refusal' in info) return checks;
  if (await registryReachable(runnerEngine)) {
    checks.push({ name: 'Image registry', status: 'ok', detail: 'reachable: stacks use their public images' });
  } else {
    const bases = await Promise.all([imageExists(host, BASE_IMAGE), imageExists(host, NODE_IMAGE)]);
    checks.push(
      bases.every(Boolean)
        ? {
            name: 'Image registry',
            status: 'ok',
            detail: `not reachable: stacks use their offline overrides; base images ${BASE_IMAGE} and ${NODE_IMAGE} are present`,
          }
        : {
            name: 'Image registry',
            status: 'warn',
            detail: 'not reachable and the offline base images are missing',
            fix: '`npx journeys provision` builds them',
          },
    );
  }
  return checks;
}

function freeDisk(dockerRoot: string, local: boolean): Check {
  if (!local) return { name: 'Free disk', status: 'ok', detail: 'remote engine: not checked from here' };
  try {
    const stats = statfsSync(dockerRoot);
    const freeGib = (stats.bavail * stats.bsize) / 2 ** 30;
    return freeGib < MIN_FREE_GIB
      ? {
          name: 'Free disk',
          status: 'warn',
          detail: `${freeGib.toFixed(1)} GiB free in ${dockerRoot}`,
          fix: '`docker system prune` or free space: image builds need a few GiB',
        }
      : { name: 'Free disk', status: 'ok', detail: `${freeGib.toFixed(1)} GiB free in ${dockerRoot}` };
  } catch {
    return {
      name: 'Free disk',
      status: 'ok',
      detail: `${dockerRoot} is inside the engine's VM: not checked from here`,
    };
  }
}

export function formatCheck(check: Check): string {
  const mark = { ok: '✓', warn: '!', fail: '✗' }[check.status];
  return `${mark} ${check.name}: ${check.detail}${check.fix ? `\n    fix: ${check.fix}` : ''}`;
}
