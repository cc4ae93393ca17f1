// Start, teardown, reap and every fault's heal against the recording fake of the engine seam
// (recording-engine.ts): what the runner asks of Docker, in order, without Docker.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { LABEL } from '../../src/engine/labels.ts';
import { FAULT_KINDS, type FaultKind } from '../../src/faults/fault-kinds.ts';
import { Faults } from '../../src/faults/faults.ts';
import { currentOwner, runKey, thisMachine } from '../../src/run/run-identity.ts';
import { reap } from '../../src/stack/reap.ts';
import { parseResolvedConfig } from '../../src/stack/resolved-config.ts';
import { detectRoles } from '../../src/stack/service-roles.ts';
import type { StackDefinition } from '../../src/stack/stack-definition.ts';
import { startStackFor } from '../../src/stack/start-stack.ts';
import { removeProject } from '../../src/stack/teardown.ts';
import { RecordingEngine } from './recording-engine.ts';

const unique = (prefix: string) => `${prefix}-${Math.random().toString(36).slice(2, 8)}`;

async function definitionOf(projectName: string, services: Record<string, unknown>): Promise<StackDefinition> {
  const parsed = await parseResolvedConfig({ name: projectName, services });
  if ('problems' in parsed) throw new Error(parsed.problems);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cj-seam-'));
  return {
    target: { projectName, files: [path.join(dir, 'compose.yml')], profiles: [], envFiles: [] },
    config: parsed.config,
    configHash: 'hash',
    offline: false,
    reuse: false,
    roles: detectRoles(parsed.config),
    composeWarnings: [],
  };
}

const SERVICES = {
  db: { image: 'postgres:16', healthcheck: { test: ['CMD', 'pg_isready'] }, ports: [{ target: 5432 }] },
  api: { image: 'shop/api', ports: [{ target: 8080 }] },
};
const QUIET = { watchdog: false, handleSignals: false, reap: false, waitTimeoutSeconds: 5 } as const;

test('start: looks for leftovers, brings the stack up under our labels, and hands over its endpoints once ready', async () => {
  const engine = new RecordingEngine();
  const projectName = unique('seam-start');
  engine.stacks.set(projectName, { db: { healthcheck: true, ports: [5432] }, api: { ports: [8080] } });
  const stack = await startStackFor({ keep: false }, await definitionOf(projectName, SERVICES), QUIET, engine);

  expect(engine.calls).toEqual([
    'GET /images/postgres%3A16/json', // missing images, looked for first: before the wait clock starts
    'GET /images/shop%2Fapi/json',
    'GET /containers/json', // leftovers of the project, meanwhile
    `compose pull ${projectName}`,
    `compose up ${projectName}`,
    'GET /containers/json', // ready at the first glance
  ]);
  expect(stack.state.endpoints.map((endpoint) => `${endpoint.service} ${endpoint.url.replace(/\d+$/, 'N')}`)).toEqual([
    'api http://127.0.0.1:N',
    'db postgresql://127.0.0.1:N',
  ]);
  // Everything Compose made carries the run's owner, so reap can tell whose it is.
  const labels = [...engine.containers.values()].map((container) => container.labels[LABEL.run]);
  expect(labels).toEqual([runKey(currentOwner()), runKey(currentOwner())]);

  // Stopped on the engine it was started on, as its run mode said (not kept): nothing is left there.
  const stopped = await stack.stop();
  expect(stopped.kept).toBe(false);
  expect(engine.leftOf(projectName)).toEqual([]);
});

test('start under a mode that keeps the stack: stop() keeps it, as the run decided when it started', async () => {
  const engine = new RecordingEngine();
  const projectName = unique('seam-keep');
  engine.stacks.set(projectName, { api: { ports: [8080] } });
  const definition = await definitionOf(projectName, { api: SERVICES.api });
  const stack = await startStackFor({ keep: true }, definition, QUIET, engine);
  const stopped = await stack.stop();
  expect(stopped.kept).toBe(true);
  expect(stopped.commands.at(-1)).toContain(`-p ${projectName}`);
  expect(engine.leftOf(projectName)).not.toEqual([]);
  await removeProject(engine, projectName);
});

test('start that fails: the diagnosis names the service, and everything it started is removed', async () => {
  const engine = new RecordingEngine();
  const projectName = unique('seam-fail');
  engine.stacks.set(projectName, { db: { healthcheck: true, healthy: false }, api: {} });
  const error = await startStackFor({ keep: false }, await definitionOf(projectName, SERVICES), QUIET, engine).catch(
    (e: Error) => e,
  );
  expect(String(error)).toContain(`Stack ${projectName} did not become ready: db (unhealthy)`);
  expect(String((error as { details?: string }).details)).toContain(`(log of ${projectName}-db-1)`);
  expect(engine.leftOf(projectName)).toEqual([]);
  expect(engine.calls.filter((call) => call.startsWith('DELETE'))).toHaveLength(3); // 2 containers, 1 network
});

test('teardown: two removers of one stack at once both end, with nothing left (409 while the other removes)', async () => {
  const engine = new RecordingEngine();
  const projectName = unique('seam-down');
  const labels = { [LABEL.project]: projectName };
  engine.addContainer(projectName, 'db');
  engine.addContainer(projectName, 'api');
  engine.addNetwork(`${projectName}_default`, labels);
  engine.addVolume(`${projectName}_data`, labels);
  const removed = await Promise.all([
    removeProject(engine, projectName, { stateDir: false }),
    removeProject(engine, projectName, { stateDir: false }),
  ]);
  expect(engine.leftOf(projectName)).toEqual([]);
  expect(removed).toContain(4); // one of them found all four; the other, what was left when it looked
  // The second remover was refused while the first one worked, and asked again rather than failing.
  const containerDeletes = engine.calls.filter((call) => call.startsWith('DELETE /containers/'));
  expect(containerDeletes.length).toBeGreaterThan(4);
});

test('reap: removes the stack whose run provably died; leaves a live run, a kept one and another machine’s', async () => {
  const engine = new RecordingEngine();
  const here = thisMachine();
  const dead = runKey({ ...here, pid: 4_194_000, started: 1 });
  const stacks = {
    dead: { [LABEL.run]: dead },
    alive: { [LABEL.run]: runKey(currentOwner()) },
    kept: { [LABEL.run]: dead, [LABEL.keep]: 'JOURNEYS_KEEP=1' },
    elsewhere: { [LABEL.run]: runKey({ ...here, host: 'build-box', pid: 4_194_000, started: 1 }) },
  };
  const names = Object.fromEntries(Object.keys(stacks).map((name) => [name, unique(`seam-reap-${name}`)]));
  for (const [name, extra] of Object.entries(stacks)) {
    const projectName = names[name]!;
    const labels = { [LABEL.managed]: 'true', [LABEL.owner]: 'someone:1', [LABEL.project]: projectName, ...extra };
    engine.addContainer(projectName, 'db', { labels, startedAt: '2026-01-01T00:00:00Z' });
    engine.addNetwork(`${projectName}_default`, labels);
  }
  const { removed, left } = await reap({ engine, only: Object.values(names) });
  expect(removed.map((project) => project.projectName)).toEqual([names.dead]);
  expect(engine.leftOf(names.dead!)).toEqual([]);
  expect(Object.fromEntries(left.map(({ project, why }) => [project.projectName, why.split(' (')[0]]))).toEqual({
    [names.alive!]: 'its run is alive',
    [names.kept!]: 'kept on purpose',
    [names.elsewhere!]: 'another owner',
  });
});

/** What each kind asks of Docker to put the fault in place and to heal it (then the healthcheck, run now). */
const FAULT_CALLS: Record<FaultKind, { inject: (faults: Faults) => Promise<unknown>; calls: string[] }> = {
  stop: { inject: (faults) => faults.stop('db'), calls: ['stop {db}', 'start {db}'] },
  kill: { inject: (faults) => faults.kill('db'), calls: ['kill {db} SIGKILL', 'start {db}'] },
  pause: { inject: (faults) => faults.pause('db'), calls: ['pause {db}', 'unpause {db}'] },
  disconnect: {
    inject: (faults) => faults.disconnect('db'),
    calls: ['network disconnect {p}_default {db}', 'network connect {p}_default {db} as db,c1'],
  },
};

test('every fault kind is put in place and healed: the service back as it was, its healthcheck passing', async () => {
  expect(Object.keys(FAULT_CALLS).sort()).toEqual(Object.keys(FAULT_KINDS).sort()); // a new kind needs a row here
  for (const kind of Object.keys(FAULT_KINDS) as FaultKind[]) {
    const engine = new RecordingEngine();
    const projectName = unique(`seam-${kind}`);
    const db = engine.addContainer(projectName, 'db', {
      health: 'healthy',
      healthcheck: ['CMD-SHELL', 'pg_isready'],
      networks: [{ network: `${projectName}_default`, aliases: ['db', 'c1'], ipv4: '172.30.0.5' }],
    });
    const before = structuredClone({ status: db.status, networks: db.networks });
    const timeline: string[] = [];
    const faults = new Faults({
      engine,
      projectName,
      record: (observation) => timeline.push(observation.summary),
      intended: (fault) => fault,
      claim: () => {},
      healTimeoutMs: 2_000,
    });
    await FAULT_CALLS[kind].inject(faults);
    const inPlace = kind === 'disconnect' ? db.networks?.length === 0 : db.status !== 'running';
    expect(inPlace, `${kind} is in place`).toBe(true);
    await faults.heal('db');
    const asked = engine.calls
      .filter((call) => !call.startsWith('inspect') && !call.startsWith('GET'))
      .map((call) => call.replaceAll(db.name, '{db}').replaceAll(projectName, '{p}'));
    expect(asked, kind).toEqual([...FAULT_CALLS[kind].calls, 'exec {db} /bin/sh -c pg_isready']);
    expect({ status: db.status, networks: db.networks }, kind).toEqual(before);
    expect(timeline.at(-1), kind).toContain(`db ${FAULT_KINDS[kind].healed} and the stack is ready again`);
  }
});
