import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import type { ContainerState } from '../../src/engine/container-state.ts';
import { resolvedValues } from '../../src/history/fingerprint/collect-fingerprint.ts';
import { commitsBetween, folderSource } from '../../src/history/fingerprint/git-source.ts';
import type { RunFingerprint, ServiceFingerprint } from '../../src/history/fingerprint/run-fingerprint.ts';
import { formatIncident, parseIncident } from '../../src/history/incident-text.ts';
import { fingerprintOfRow } from '../../src/history/store/row-mapping.ts';
import { rankSuspects } from '../../src/history/suspect/rank-suspects.ts';
import { incidentOf } from '../../src/incidents/incident-of.ts';

const service = (over: Partial<ServiceFingerprint> = {}): ServiceFingerprint => ({
  imageId: 'sha256:aaaaaaaaaaaaaaaa',
  configHash: 'c1',
  config: { image: 'x', 'environment.MODE': 'a' },
  ...over,
});
const fingerprint = (
  services: Record<string, ServiceFingerprint>,
  over: Partial<RunFingerprint> = {},
): RunFingerprint => ({
  schema: 1,
  gitSha: 'sha-1',
  engine: { version: '26.1.5', compose: '2.26.1' },
  services,
  ...over,
});
const passed = (f?: RunFingerprint) => ({
  runId: 'aaaaaaaa-1111',
  startedAt: '2026-12-06T02:00:00.000Z',
  ...(f ? { fingerprint: f } : {}),
});
const failed = (f?: RunFingerprint) => ({
  runId: 'bbbbbbbb-2222',
  startedAt: '2026-12-07T02:00:00.000Z',
  ...(f ? { fingerprint: f } : {}),
});

test('the journey’s own service whose build context changed comes first, with the commits that touched it', () => {
  const before = fingerprint({
    payments: service({ build: { context: 'services/payments', tree: 't1', dirty: false } }),
    orders: service(),
  });
  const after = fingerprint(
    {
      payments: service({
        imageId: 'sha256:bbbbbbbbbbbb',
        build: { context: 'services/payments', tree: 't2', dirty: false },
      }),
      orders: service({
        imageId: 'sha256:cccccccccccc',
        configHash: 'c2',
        config: { image: 'x', 'environment.MODE': 'b' },
      }),
    },
    { gitSha: 'sha-2' },
  );
  const suspects = rankSuspects({
    passed: passed(before),
    failed: failed(after),
    journeyServices: ['payments'],
    drift: [],
    commits: [
      { sha: 'c0ffee1234', subject: 'answer CONFIRMED', files: ['services/payments/server.mjs'] },
      { sha: 'deadbeef99', subject: 'docs', files: ['README.md'] },
    ],
  });
  expect(suspects.map((s) => s.text)).toEqual([
    'payments: image changed (build context services/payments changed in 1 commit: c0ffee1 answer CONFIRMED) between run aaaaaaaa (2026-12-06 02:00 UTC) (passed) and run bbbbbbbb (2026-12-07 02:00 UTC) (failed)',
    'orders: image changed (aaaaaaaaaaaa → cccccccccccc); config changed (environment.MODE a → b) between run aaaaaaaa (2026-12-06 02:00 UTC) (passed) and run bbbbbbbb (2026-12-07 02:00 UTC) (failed)',
    '1 commit outside every build context between run aaaaaaaa (2026-12-06 02:00 UTC) (passed) and run bbbbbbbb (2026-12-07 02:00 UTC) (failed): deadbee docs',
  ]);
  // Not in the journey's timeline: ranked by what changed, not by name.
  expect(
    rankSuspects({ passed: passed(before), failed: failed(after), journeyServices: ['orders'], drift: [] })[0]?.service,
  ).toBe('orders');
});

test('nothing changed: one entry that says so, a flake signal', () => {
  const same = fingerprint({ api: service() });
  expect(rankSuspects({ passed: passed(same), failed: failed(same), journeyServices: ['api'], drift: [] })).toEqual([
    {
      score: 0,
      text: 'nothing changed between run aaaaaaaa (2026-12-06 02:00 UTC) (passed) and run bbbbbbbb (2026-12-07 02:00 UTC) (failed): same images, build sources, config, engine and commit. A failure on the same inputs is a flake signal, not a regression',
    },
  ]);
});

test('a rebuild of the same source gets a new image id (Compose labels the project into it): same layers, no suspect', () => {
  const before = fingerprint({ audit: service({ imageId: 'sha256:1111', layers: 'L1' }) });
  const rebuilt = fingerprint({ audit: service({ imageId: 'sha256:2222', layers: 'L1' }) });
  expect(
    rankSuspects({ passed: passed(before), failed: failed(rebuilt), journeyServices: [], drift: [] })[0]?.text,
  ).toMatch(/^nothing changed/);
  const moved = fingerprint({ audit: service({ imageId: 'sha256:3333', layers: 'L2' }) });
  expect(
    rankSuspects({ passed: passed(before), failed: failed(moved), journeyServices: [], drift: [] })[0]?.text,
  ).toMatch(/^audit: image changed/);
});

test('a run without a fingerprint, or with one of an older form, cannot be compared and says why', () => {
  const [missing] = rankSuspects({ passed: passed(), failed: failed(fingerprint({})), journeyServices: [], drift: [] });
  expect(missing?.text).toContain('cannot compare between run aaaaaaaa');
  expect(missing?.text).toContain('it has no fingerprint (recorded without a stack, or by an older compose-journeys)');
  expect(fingerprintOfRow(JSON.stringify({ schema: 0, images: {} }))).toEqual({
    fingerprintProblem: 'its fingerprint has form 0, this compose-journeys reads form 1',
  });
  expect(fingerprintOfRow('{not json')).toEqual({ fingerprintProblem: 'its fingerprint is not JSON' });
  expect(fingerprintOfRow(JSON.stringify(fingerprint({})))).toEqual({ fingerprint: fingerprint({}) });
});

test('resolved config values: the runner’s own labels and the project name do not make runs differ; secrets are hashed, not stored', () => {
  const one = resolvedValues(
    {
      image: 'x',
      labels: { 'dev.compose-journeys.run': 'r1', team: 'pay' },
      networks: { 'journeys-1_default': null },
      environment: { DB_PASSWORD: 's3cret-1', URL: 'http://journeys-1-db:5432' },
    },
    'journeys-1',
  );
  const two = resolvedValues(
    {
      image: 'x',
      labels: { 'dev.compose-journeys.run': 'r2', team: 'pay' },
      networks: { 'journeys-2_default': null },
      environment: { DB_PASSWORD: 's3cret-1', URL: 'http://journeys-2-db:5432' },
    },
    'journeys-2',
  );
  expect(two).toEqual(one);
  expect(one.values['environment.DB_PASSWORD']).toBe('[REDACTED]');
  expect(one.values['environment.URL']).toBe('http://<project>-db:5432');
  expect(JSON.stringify(one)).not.toContain('s3cret');
  const rotated = resolvedValues({ image: 'x', environment: { DB_PASSWORD: 's3cret-2' } }, 'p');
  expect(rotated.hash).not.toBe(resolvedValues({ image: 'x', environment: { DB_PASSWORD: 's3cret-1' } }, 'p').hash);
});

test('git: a folder’s tree, dirty or not, and the commits between two shas with their files', async () => {
  const repo = mkdtempSync(path.join(tmpdir(), 'cj-git-'));
  try {
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], {
        cwd: repo,
        encoding: 'utf8',
      }).trim();
    git('init', '-q');
    mkdirSync(path.join(repo, 'svc'));
    writeFileSync(path.join(repo, 'svc/a.txt'), '1');
    writeFileSync(path.join(repo, 'other.txt'), '1');
    git('add', '.');
    git('commit', '-qm', 'first');
    const first = git('rev-parse', 'HEAD');
    const clean = await folderSource(path.join(repo, 'svc'));
    expect(clean).toMatchObject({ path: 'svc', dirty: false });
    writeFileSync(path.join(repo, 'svc/b.txt'), 'new');
    expect(await folderSource(path.join(repo, 'svc'))).toMatchObject({ tree: clean.tree, dirty: true }); // untracked counts
    git('add', '.');
    git('commit', '-qm', 'second');
    const second = git('rev-parse', 'HEAD');
    expect((await folderSource(path.join(repo, 'svc'))).tree).not.toBe(clean.tree);
    expect(await commitsBetween(repo, first, second)).toEqual([
      { sha: second, subject: 'second', files: ['svc/b.txt'] },
    ]);
    expect(await commitsBetween(repo, 'no-such-sha', second)).toBeUndefined();
  } finally {
    rmSync(repo, { recursive: true, force: true });
  }
});

test('the incident annotation reads back as it was written', () => {
  const ref = {
    id: 'payments@2026-12-07T02:13:05.120Z',
    service: 'payments',
    kind: 'oom' as const,
    at: '2026-12-07T02:13:05.120Z',
    exitCode: 137,
  };
  const text = formatIncident(ref, 'healed at 02:13:09');
  expect(text).toBe(
    'payments was OOM-killed at 2026-12-07T02:13:05.120Z (exit 137): incident payments@2026-12-07T02:13:05.120Z; healed at 02:13:09',
  );
  expect(parseIncident(text)).toEqual(ref);
  const { exitCode: _, ...unhealthy } = { ...ref, kind: 'unhealthy' as const };
  expect(parseIncident(formatIncident(unhealthy))).toEqual(unhealthy);
  expect(parseIncident('something else')).toBeUndefined();
});

test('an incident from what the engine says: died, OOM-killed, restarted by Docker, unhealthy; never a service under a fault', () => {
  const container = (over: Partial<ContainerState>): ContainerState => ({
    id: 'c1',
    name: 'shop-payments-1',
    service: 'payments',
    status: 'running',
    exitCode: 0,
    startedAt: '2026-12-07T02:00:00.000Z',
    finishedAt: '0001-01-01T00:00:00Z',
    restartCount: 0,
    oomKilled: false,
    labels: {},
    healthLog: [],
    published: [],
    ...over,
  });
  const died = container({ status: 'exited', exitCode: 3, finishedAt: '2026-12-07T02:13:05.120Z' });
  expect(incidentOf([died], [], new Set())).toEqual({
    id: 'payments@2026-12-07T02:13:05.120Z',
    service: 'payments',
    kind: 'died',
    at: '2026-12-07T02:13:05.120Z',
    exitCode: 3,
  });
  expect(incidentOf([{ ...died, exitCode: 137, oomKilled: true }], [], new Set())?.kind).toBe('oom');
  // A one-shot that finished is done, not down; a service under the journey's own fault is the journey's story.
  expect(incidentOf([{ ...died, exitCode: 0 }], [], new Set())).toBeUndefined();
  expect(incidentOf([died], [], new Set(['payments']))).toBeUndefined();
  // Docker restarted it already (restart: always): the die event is what is left of the crash.
  const event = {
    at: new Date('2026-12-07T02:13:05.120Z'),
    service: 'payments',
    container: 'c1',
    action: 'die',
    exitCode: '1',
  };
  expect(incidentOf([container({})], [event], new Set())).toMatchObject({ kind: 'restarted', exitCode: 1 });
  const sick = container({
    health: 'unhealthy',
    healthLog: [
      { start: '2026-12-07T02:12:00.000Z', end: '', exitCode: 0, output: '' },
      { start: '2026-12-07T02:12:30.000Z', end: '', exitCode: 1, output: '' },
      { start: '2026-12-07T02:13:00.000Z', end: '', exitCode: 1, output: '' },
    ],
  });
  expect(incidentOf([sick], [], new Set())).toMatchObject({ kind: 'unhealthy', at: '2026-12-07T02:12:30.000Z' });
  // The final state first: a dead service before an unhealthy one.
  expect(incidentOf([sick, { ...died, service: 'orders' }], [], new Set())?.service).toBe('orders');
});
