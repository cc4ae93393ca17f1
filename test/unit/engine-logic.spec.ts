// Pure logic of the stack engine: run identity, reap decisions, the config cache key, lint
// durations, docker ps parsing. No Docker.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { parsePorts } from '../../src/engine/container-state.ts';
import {
  legacyOwnerStatus,
  ownerOf,
  ownerStatus,
  parseRunKey,
  processStartTime,
  runKey,
  thisMachine,
} from '../../src/run/run-identity.ts';
import { shardOf } from '../../src/run/run-mode.ts';
import { runProcesses } from '../../src/run/run-processes.ts';
import { forProject, inputsKey } from '../../src/stack/config-cache.ts';
import { durationMs } from '../../src/stack/lint.ts';
import { type ManagedProject, reapDecision } from '../../src/stack/reap.ts';
import type { ResolvedConfig } from '../../src/stack/resolved-config.ts';

test('run identity: a live process is alive; the same pid with another start time, or a free pid, is provably gone', async () => {
  const child = spawn('sleep', ['30'], { stdio: 'ignore' });
  try {
    const started = processStartTime(child.pid!)!;
    expect(started).toBeGreaterThan(0);
    expect(ownerStatus(ownerOf(child.pid!, started))).toEqual({ state: 'alive' });
    expect(ownerStatus(ownerOf(child.pid!, started - 1))).toMatchObject({
      state: 'gone',
      why: expect.stringContaining(`pid ${child.pid} now belongs to another process`),
    });
  } finally {
    child.kill('SIGKILL');
    await new Promise((resolve) => child.on('close', resolve));
  }
  expect(ownerStatus(ownerOf(child.pid!, 12345))).toMatchObject({
    state: 'gone',
    why: `process ${child.pid} no longer exists`,
  });
});

test('run identity: another host, boot or pid namespace cannot be proven gone', () => {
  const me = ownerOf(process.pid);
  expect(ownerStatus({ ...me, host: 'elsewhere', pid: 999_999 })).toMatchObject({
    state: 'unknown',
    why: 'started on host elsewhere',
  });
  expect(ownerStatus({ ...me, boot: 'another-boot', pid: 999_999 })).toMatchObject({ state: 'unknown' });
  expect(ownerStatus({ ...me, pidns: '1', pid: 999_999 })).toMatchObject({
    state: 'unknown',
    why: expect.stringContaining('pid namespace'),
  });
  expect(legacyOwnerStatus(`${os.hostname()}:${process.pid}`)).toEqual({ state: 'alive' });
  expect(legacyOwnerStatus('other-host:1')).toMatchObject({ state: 'unknown' });
});

test('run key round-trips, and rejects what we did not write', () => {
  const me = ownerOf(process.pid);
  expect(parseRunKey(runKey(me))).toEqual(me);
  expect(me).toMatchObject(thisMachine());
  for (const bad of [undefined, '', 'host:123', 'a/b/c/d/e', 'h/0/boot/ns/notapid/1'])
    expect(parseRunKey(bad)).toBeUndefined();
});

test('shard from the command line', () => {
  expect(shardOf(['test', '--shard=2/3'])).toBe('2of3');
  expect(shardOf(['test', '--shard', '1/2'])).toBe('1of2');
  expect(shardOf(['test'])).toBeUndefined();
});

test("the run marker finds a run's processes, and only those", async () => {
  const key = `unit/${Math.random()}`;
  const mine = spawn('sleep', ['30'], { stdio: 'ignore', env: { ...process.env, JOURNEYS_RUN: key } });
  const other = spawn('sleep', ['30'], { stdio: 'ignore', env: { ...process.env, JOURNEYS_RUN: `${key}0` } });
  try {
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(runProcesses(key)).toEqual([mine.pid]);
  } finally {
    mine.kill('SIGKILL');
    other.kill('SIGKILL');
  }
});

const project = (overrides: Partial<ManagedProject>): ManagedProject => ({
  projectName: 'p',
  owner: 'host:1',
  startedBy: undefined,
  user: 'me',
  kept: false,
  reusable: false,
  status: { state: 'gone', why: 'process 1 no longer exists' },
  mine: true,
  ...overrides,
});

test('reap decisions: a live run is never removed; --all takes my kept ones; other owners need --other-owners', () => {
  const alive = project({ status: { state: 'alive' } });
  for (const scope of ['dead', 'all', 'other-owners'] as const)
    expect(reapDecision(alive, scope)).toBe('its run is alive');
  expect(reapDecision(project({}), 'dead')).toBeUndefined();
  expect(reapDecision(project({ kept: true }), 'dead')).toMatch(/^kept on purpose/);
  expect(reapDecision(project({ reusable: true }), 'dead')).toMatch(/^reusable/);
  expect(reapDecision(project({ kept: true }), 'all')).toBeUndefined();
  expect(reapDecision(project({ reusable: true }), 'all')).toBeUndefined();
  const foreign = project({ mine: false, status: { state: 'unknown', why: 'started on host ci-7' } });
  expect(reapDecision(foreign, 'dead')).toMatch(/^another owner/);
  expect(reapDecision(foreign, 'all')).toMatch(/^another owner/);
  expect(reapDecision(foreign, 'other-owners')).toBeUndefined();
  // Mine, but from before a reboot: not provably gone, so only --all.
  const rebooted = project({ status: { state: 'unknown', why: 'started before this machine last booted' } });
  expect(reapDecision(rebooted, 'dead')).toMatch(/cannot be checked/);
  expect(reapDecision(rebooted, 'all')).toBeUndefined();
});

test('config cache key: every input that changes the resolution changes it, nothing else does', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'jt-key-'));
  try {
    const compose = path.join(dir, 'compose.yml');
    const write = (name: string, text: string) => writeFileSync(path.join(dir, name), text);
    write(
      'compose.yml',
      'include: [extra.yml]\nservices:\n  app:\n    image: x:${TAG:-1}\n    env_file: app.env\n    extends: { file: base.yml, service: base }\n',
    );
    write('extra.yml', 'services:\n  other:\n    image: y:1\n');
    write('app.env', 'A=1\n');
    write('base.yml', 'services:\n  base:\n    environment: { B: "1" }\n');
    const inputs = { projectName: 'p', files: [compose], profiles: [], envFiles: [] };
    const key = () => inputsKey(inputs, { ...process.env, TAG: process.env.TAG, UNRELATED: 'x' });
    const first = key();
    expect(first).toMatch(/^[0-9a-f]{24}$/);
    expect(inputsKey(inputs, { ...process.env, UNRELATED: 'y' })).toBe(first); // a variable no file names
    const changes: [string, () => void][] = [
      [
        'the compose file',
        () =>
          write(
            'compose.yml',
            `${'include: [extra.yml]\nservices:\n  app:\n    image: x:${TAG:-1}\n    env_file: app.env\n    extends: { file: base.yml, service: base }\n'}# comment\n`,
          ),
      ],
      ['an included file', () => write('extra.yml', 'services:\n  other:\n    image: y:2\n')],
      ['an env_file', () => write('app.env', 'A=2\n')],
      ['an extended file', () => write('base.yml', 'services:\n  base:\n    environment: { B: "2" }\n')],
      ['a .env appearing', () => write('.env', 'TAG=3\n')],
    ];
    let previous = first;
    for (const [what, change] of changes) {
      change();
      const next = key();
      expect(next, what).not.toBe(previous);
      previous = next;
    }
    expect(inputsKey(inputs, { ...process.env, TAG: 'other' }), 'an interpolated variable').not.toBe(previous);
    expect(inputsKey({ ...inputs, profiles: ['debug'] }), 'a profile').not.toBe(inputsKey(inputs));
    expect(inputsKey(inputs, { ...process.env, COMPOSE_PROFILES: 'x' }), 'a COMPOSE_ variable').not.toBe(
      inputsKey(inputs),
    );
    // A path made of a variable cannot be followed without Compose: never cached.
    write('compose.yml', 'services:\n  app:\n    image: x:1\n    env_file: ${ENV_FILE}\n');
    expect(inputsKey(inputs)).toBeUndefined();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a cached config renamed for another project equals what Compose resolves for it', () => {
  const config = {
    name: 'journeys-a',
    services: { app: { image: 'x:1' } },
    networks: { default: { name: 'journeys-a_default', ipam: {} }, ext: { name: 'shared', external: true } },
    volumes: { data: { name: 'journeys-a_data' } },
  } as unknown as ResolvedConfig;
  expect(JSON.stringify(forProject(config, 'journeys-a', 'journeys-b'))).toBe(
    JSON.stringify({
      name: 'journeys-b',
      services: { app: { image: 'x:1' } },
      networks: { default: { name: 'journeys-b_default', ipam: {} }, ext: { name: 'shared', external: true } },
      volumes: { data: { name: 'journeys-b_data' } },
    }),
  );
});

test('Go durations as Compose prints them', () => {
  expect(durationMs('1s')).toBe(1000);
  expect(durationMs('500ms')).toBe(500);
  expect(durationMs('1m30s')).toBe(90_000);
  expect(durationMs('1h0m0s')).toBe(3_600_000);
  expect(durationMs('soon')).toBeUndefined();
  expect(durationMs(undefined)).toBeUndefined();
});

test('docker ps ports, ranges and IPv6 twins included', () => {
  expect(
    parsePorts('127.0.0.1:32768->8080/tcp, 127.0.0.1:32770-32771->9000-9001/tcp, :::32768->8080/tcp, 5672/tcp'),
  ).toEqual([
    { containerPort: 8080, protocol: 'tcp', hostIp: '127.0.0.1', hostPort: 32768 },
    { containerPort: 9000, protocol: 'tcp', hostIp: '127.0.0.1', hostPort: 32770 },
    { containerPort: 9001, protocol: 'tcp', hostIp: '127.0.0.1', hostPort: 32771 },
    { containerPort: 8080, protocol: 'tcp', hostIp: '::', hostPort: 32768 },
  ]);
});

test("a start's reap leaves a dead-looking stack created in the last 30 s (it may still be starting); journeys reap takes it", () => {
  const now = Date.parse('2026-12-07T14:45:30Z');
  const young = project({ createdAt: new Date('2026-12-07T14:45:21Z') });
  const old = project({ createdAt: new Date('2026-12-07T14:44:59Z') });
  const age = { minAgeMs: 30_000, now };
  expect(reapDecision(young, 'dead', age)).toBe('created 9 s ago: left for a later reap');
  expect(reapDecision(old, 'dead', age)).toBeUndefined();
  expect(reapDecision(project({}), 'dead', age)).toBeUndefined(); // no container left: nothing is starting
  expect(reapDecision(young, 'dead')).toBeUndefined(); // the explicit reap: no age limit
  expect(reapDecision(project({ createdAt: young.createdAt, status: { state: 'alive' } }), 'dead', age)).toBe(
    'its run is alive',
  );
});
