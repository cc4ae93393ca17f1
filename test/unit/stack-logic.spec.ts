// The engine's judgements on recorded inputs (a resolved config, container states): no Docker.
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import type { ContainerState } from '../../src/engine/container-state.ts';
import { publishedPortsHost, resolveEndpoint } from '../../src/engine/endpoint.ts';
import { locateComplaint } from '../../src/stack/config-error-location.ts';
import { Endpoints, endpointsOf } from '../../src/stack/endpoints.ts';
import { baseImageHint } from '../../src/stack/images.ts';
import { lintStack } from '../../src/stack/lint.ts';
import { judgeReadiness } from '../../src/stack/readiness.ts';
import { parseResolvedConfig, type ResolvedConfig } from '../../src/stack/resolved-config.ts';
import { detectRoles, serviceForRole } from '../../src/stack/service-roles.ts';
import type { StackDefinition } from '../../src/stack/stack-definition.ts';
import { containerState } from './container-state.ts';

const HERE = path.dirname(new URL(import.meta.url).pathname);
async function resolved(json: unknown): Promise<ResolvedConfig> {
  const parsed = await parseResolvedConfig(json);
  if ('problems' in parsed) throw new Error(parsed.problems);
  return parsed.config;
}
const config = (services: Record<string, unknown>) => resolved({ name: 'p', services });

const container = containerState;

test('readiness: healthy, started without a healthcheck, one-shots done at exit 0 (awaited or not), failures named', async () => {
  const stack = await config({
    db: { image: 'postgres:15', healthcheck: { test: ['CMD', 'pg_isready'] } },
    cache: { image: 'redis:7' },
    migrate: { image: 'app', restart: 'no' },
    seed: { image: 'app', depends_on: {} },
    api: {
      image: 'app',
      depends_on: { migrate: { condition: 'service_completed_successfully' } },
      healthcheck: { test: ['CMD', 'true'] },
    },
  });
  const verdicts = (states: ContainerState[]) =>
    Object.fromEntries(
      judgeReadiness(stack, states).map((v) => [v.service, v.kind === 'failed' ? `failed:${v.reason}` : v.kind]),
    );
  expect(
    verdicts([
      container('db', { health: 'healthy' }),
      container('cache', {}),
      container('migrate', { status: 'exited', exitCode: 0 }),
      container('api', { health: 'starting' }),
    ]),
  ).toEqual({ db: 'ready', cache: 'ready', migrate: 'completed', seed: 'waiting', api: 'waiting' });
  expect(
    verdicts([
      container('db', { health: 'unhealthy' }),
      container('cache', { status: 'exited', exitCode: 0 }),
      container('migrate', { status: 'exited', exitCode: 1 }),
      container('seed', { oomKilled: true, status: 'exited', exitCode: 137 }),
      container('api', { status: 'restarting', health: 'starting' }),
    ]),
  ).toEqual({
    db: 'failed:unhealthy',
    cache: 'completed',
    migrate: 'failed:exited',
    seed: 'failed:oom-killed',
    api: 'waiting',
  });
});

test('endpoints: loopback for 0.0.0.0, one per port (not per address family), schemes by port, look-ups that list what exists', () => {
  const endpoints = endpointsOf(
    [
      container('api', {
        published: [
          { containerPort: 8080, protocol: 'tcp', hostIp: '0.0.0.0', hostPort: 49153 },
          { containerPort: 8080, protocol: 'tcp', hostIp: '::', hostPort: 49153 },
        ],
      }),
      container('db', { published: [{ containerPort: 5432, protocol: 'tcp', hostIp: '127.0.0.1', hostPort: 49154 }] }),
    ],
    resolveEndpoint({ DOCKER_HOST: 'unix:///var/run/docker.sock' }),
  );
  expect(endpoints.map((e) => e.url)).toEqual(['http://127.0.0.1:49153', 'postgresql://127.0.0.1:49154']);
  const lookup = new Endpoints(endpoints);
  expect(lookup.url('api')).toBe('http://127.0.0.1:49153');
  expect(() => lookup.get('web')).toThrow(
    'No published port for service "web". Services with published ports: api, db. Publish one in the compose file, e.g. ports: ["127.0.0.1::8080"].',
  );
  expect(() => lookup.get('api', 9090)).toThrow(
    'Service "api" does not publish container port 9090; it publishes 8080.',
  );
});

test('lint rules on a recorded resolved config: file, line, service, field and fix for each', async () => {
  const file = path.join(HERE, '../stacks/lint/compose.yml');
  const recorded = await resolved(JSON.parse(readFileSync(path.join(HERE, 'recorded/lint-resolved.json'), 'utf8')));
  const definition = {
    target: { projectName: 'lint', files: [file], profiles: [], envFiles: [] },
    config: recorded,
  } as unknown as StackDefinition;
  const findings = lintStack(definition, undefined).map((f) => `${f.line}:${f.service ?? '-'}:${f.field}:${f.rule}`);
  expect(findings.sort()).toEqual(
    [
      '1:-:version:version-obsolete',
      '4:web:healthcheck:healthcheck-missing',
      '6:web:depends_on.db:depends-on-without-condition',
      '5:web:ports[0]:port-not-loopback',
      '5:web:ports[0]:port-fixed-host',
      '4:web:image:image-unpinned',
      '15:seed:image:image-unpinned',
      '15:seed:depends_on:one-shot-not-awaited',
      '21:cache:healthcheck.interval:healthcheck-interval-short',
      '34:stream:environment.KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS:kafka-rebalance-delay',
      // db and queue set limits (deploy.resources.limits, mem_limit and cpus); seed is a one-shot.
      '4:web:deploy.resources.limits:limits-missing',
      '18:cache:deploy.resources.limits:limits-missing',
      '32:stream:deploy.resources.limits:limits-missing',
    ].sort(),
  );
});

test('roles by image, by environment on the usual port, or by label; overrides win and must exist', async () => {
  const stack = await config({
    'catalog-db': { image: 'docker.io/library/postgres:16.4', ports: [{ target: 5432 }] },
    'company-pg': {
      image: 'registry.example/platform/db:3',
      environment: { POSTGRES_PASSWORD: 'x' },
      ports: [{ target: 5432 }],
    },
    app: {
      image: 'app:1',
      environment: { POSTGRES_PASSWORD: 'x', KAFKA_ADVERTISED_LISTENERS: 'x' },
      ports: [{ target: 8080 }],
    },
    events: { image: 'compose-journeys/rabbitmq:offline' },
    stream: { image: 'bitnami/kafka:3.7' },
    stubs: { image: 'acme/http-stubs:1', labels: { 'dev.compose-journeys.role': 'wiremock' } },
  });
  expect(detectRoles(stack)).toEqual({
    postgres: ['catalog-db', 'company-pg'],
    kafka: ['stream'],
    rabbitmq: ['events'],
    wiremock: ['stubs'],
  });
  expect(detectRoles(stack, { postgres: 'company-pg' }).postgres).toEqual(['company-pg']);
  expect(() => detectRoles(stack, { rabbitmq: 'broker' })).toThrow(
    'journeys.services.rabbitmq names "broker", which the stack does not have. Services: catalog-db, company-pg, app, events, stream, stubs.',
  );

  const roles = detectRoles(stack);
  const services = Object.keys(stack.services);
  expect(serviceForRole(roles, services, 'kafka', 'The Kafka tap')).toBe('stream');
  expect(() => serviceForRole(roles, services, 'postgres', 'db')).toThrow(
    'db needs one postgres service, and the stack has 2: catalog-db, company-pg. Name it in package.json',
  );
  expect(() => serviceForRole({ ...roles, kafka: [] }, services, 'kafka', 'The Kafka tap')).toThrow(
    'The Kafka tap needs a kafka service, and the stack has none that looks like one (by image, environment or port). Services: catalog-db, company-pg, app, events, stream, stubs.',
  );
});

test('a remote engine (DOCKER_HOST or a context at tcp:// or ssh://): its published ports are reached at its host', () => {
  const remoteEngineHost = (env: NodeJS.ProcessEnv) => resolveEndpoint(env).remoteHost;
  expect(remoteEngineHost({ DOCKER_HOST: 'tcp://build-box.internal:2376' })).toBe('build-box.internal');
  expect(remoteEngineHost({ DOCKER_HOST: 'ssh://ci@10.1.2.3' })).toBe('10.1.2.3');
  expect(remoteEngineHost({ DOCKER_HOST: 'unix:///run/user/1000/docker.sock' })).toBeUndefined();
  // A context (Docker's own layout: contexts/meta/<sha256 of the name>/meta.json).
  const config = mkdtempSync(path.join(os.tmpdir(), 'cj-docker-config-'));
  const meta = path.join(config, 'contexts/meta', createHash('sha256').update('lab').digest('hex'));
  mkdirSync(meta, { recursive: true });
  writeFileSync(
    path.join(meta, 'meta.json'),
    JSON.stringify({ Name: 'lab', Endpoints: { docker: { Host: 'ssh://me@lab-engine' } } }),
  );
  writeFileSync(path.join(config, 'config.json'), JSON.stringify({ currentContext: 'lab' }));
  expect(remoteEngineHost({ DOCKER_CONFIG: config })).toBe('lab-engine');
  expect(remoteEngineHost({ DOCKER_CONFIG: config, DOCKER_CONTEXT: 'default' })).toBeUndefined();
  const lab = resolveEndpoint({ DOCKER_CONFIG: config });
  expect(publishedPortsHost(lab)).toBe('lab-engine');

  const api = container('api', {
    published: [{ containerPort: 8080, protocol: 'tcp', hostIp: '0.0.0.0', hostPort: 49153 }],
  });
  expect(endpointsOf([api], lab)[0]!.url).toBe('http://lab-engine:49153');
});

test('the engine API socket is the one the docker CLI would use: DOCKER_HOST, else the current context, else the default', () => {
  const config = mkdtempSync(path.join(os.tmpdir(), 'cj-docker-config-'));
  const context = (name: string, host: string) => {
    const meta = path.join(config, 'contexts/meta', createHash('sha256').update(name).digest('hex'));
    mkdirSync(meta, { recursive: true });
    writeFileSync(path.join(meta, 'meta.json'), JSON.stringify({ Name: name, Endpoints: { docker: { Host: host } } }));
  };
  const engineSocket = (env: NodeJS.ProcessEnv) => resolveEndpoint(env).socketPath;
  context('colima', 'unix:///home/me/.colima/default/docker.sock');
  context('remote', 'tcp://build-box.internal:2376');
  expect(engineSocket({ DOCKER_CONFIG: config })).toBe('/var/run/docker.sock'); // no current context
  writeFileSync(path.join(config, 'config.json'), JSON.stringify({ currentContext: 'colima' }));
  // `docker context use colima`: no DOCKER_HOST, no /var/run/docker.sock; the CLI talks to Colima's socket.
  expect(engineSocket({ DOCKER_CONFIG: config })).toBe('/home/me/.colima/default/docker.sock');
  expect(engineSocket({ DOCKER_CONFIG: config, DOCKER_CONTEXT: 'default' })).toBe('/var/run/docker.sock');
  expect(engineSocket({ DOCKER_CONFIG: config, DOCKER_CONTEXT: 'remote' })).toBeUndefined(); // TLS/ssh: the CLI
  expect(engineSocket({ DOCKER_CONFIG: config, DOCKER_CONTEXT: 'nowhere' })).toBeUndefined(); // unreadable: the CLI
  // DOCKER_HOST wins over any context, as in the CLI.
  expect(engineSocket({ DOCKER_CONFIG: config, DOCKER_HOST: 'unix:///run/user/1000/docker.sock' })).toBe(
    '/run/user/1000/docker.sock',
  );
  expect(engineSocket({ DOCKER_CONFIG: config, DOCKER_HOST: 'tcp://127.0.0.1:2375' })).toBeUndefined();
  // TLS as the CLI takes it: DOCKER_TLS_VERIFY / DOCKER_CERT_PATH, or a context with TLS material.
  expect(resolveEndpoint({ DOCKER_HOST: 'tcp://build-box.internal:2376', DOCKER_TLS_VERIFY: '1' }).tls).toBe(true);
  expect(resolveEndpoint({ DOCKER_CONFIG: config, DOCKER_CONTEXT: 'remote' }).tls).toBe(false);
  const tls = path.join(config, 'contexts/tls', createHash('sha256').update('remote').digest('hex'), 'docker');
  mkdirSync(tls, { recursive: true });
  writeFileSync(path.join(tls, 'ca.pem'), 'a CA');
  const remote = resolveEndpoint({ DOCKER_CONFIG: config, DOCKER_CONTEXT: 'remote' });
  expect([remote.tls, remote.remoteHost, remote.description]).toEqual([
    true,
    'build-box.internal',
    'Docker context "remote" (tcp://build-box.internal:2376)',
  ]);
});

test('lint on a remote engine: a port on its loopback is unreachable from here', async () => {
  const file = path.join(HERE, '../stacks/reuse/compose.yml');
  const stack = await config({
    web: {
      image: 'nginx:1.27',
      ports: [{ target: 80, host_ip: '127.0.0.1' }],
      healthcheck: { test: ['CMD', 'true'], interval: '30s', start_interval: '1s' },
    },
  });
  const definition = {
    target: { projectName: 'p', files: [file], profiles: [], envFiles: [] },
    config: stack,
  } as unknown as StackDefinition;
  expect(lintStack(definition, undefined).filter((f) => f.rule.startsWith('port-'))).toEqual([]);
  const remote = lintStack(definition, 'lab-engine').filter((f) => f.rule.startsWith('port-'));
  expect(remote.map((f) => [f.rule, f.service, f.message])).toEqual([
    [
      'port-loopback-on-remote-engine',
      'web',
      'container port 80 is published on 127.0.0.1 of the remote engine lab-engine: journeys here cannot reach it',
    ],
  ]);
});

test("Compose's complaint located: the quoted value's service and field, narrowed to the field it names", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cj-locate-'));
  try {
    const file = path.join(dir, 'compose.yml');
    writeFileSync(
      file,
      'services:\n  web:\n    image: shop-xyz:1\n    ports: ["127.0.0.1::80", "abc:xyz"]\n  db:\n    image: postgres\n',
    );
    expect(locateComplaint([file], 'Invalid containerPort: xyz')).toEqual([
      { file, service: 'web', field: 'ports[1]', value: 'abc:xyz' },
    ]);
    // Nothing quoted that stands anywhere: no location rather than a guess.
    expect(locateComplaint([file], 'dependency cycle detected: a -> b')).toEqual([]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a build FROM a missing base image of ours says how to make it; other build errors keep their own fix', () => {
  expect(
    baseImageHint(
      'failed to solve: compose-journeys/node:20: failed to resolve source metadata for docker.io/compose-journeys/node:20',
    ),
  ).toMatch(/FROM compose-journeys\/node:20, which is not on this machine: `npx journeys provision --base-images`/);
  expect(baseImageHint('RUN npm ci: exit code 1')).toBeUndefined();
});
