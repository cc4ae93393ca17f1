// Another team's repo, outside this tree: a small "library loans" service on Postgres and RabbitMQ,
// with service names of its own. It installs the packed package, runs `journeys init`, writes a
// journey through `from 'compose-journeys'` only, type-checks and runs it, then a failing one.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { build } from 'esbuild';
import { REPO } from '../support/cli.ts';
import { openUiMode } from '../support/ui-mode.ts';

test.describe.configure({ mode: 'serial' });

const ourPackage = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as {
  version: string;
  devDependencies: Record<string, string>;
};
const version = (name: string) => ourPackage.devDependencies[name]!.replace(/^\^/, '');
let workdir: string;
let repo: string;
let tarball: string;

/** Runs a command in the user's repo as they would, with a clean environment (no stack of ours leaks in). */
function run(command: string, args: string[], options: { cwd?: string; env?: Record<string, string> } = {}) {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/^(JOURNEYS_|PW_|PLAYWRIGHT_|TEST_)/.test(name)),
  );
  const result = spawnSync(command, args, {
    cwd: options.cwd ?? repo,
    env: { ...env, ...options.env },
    encoding: 'utf8',
    maxBuffer: 64 * 2 ** 20,
  });
  return {
    exitCode: result.status ?? 1,
    stdout: result.stdout,
    stderr: result.stderr,
    output: `${result.stdout}\n${result.stderr}`,
  };
}

/** Containers, networks and volumes of any run in that repo (its projects are journeys-<dir>-…). */
function leftovers(projectPrefix: string): string[] {
  const format = '{{.Label "com.docker.compose.project"}}';
  const lines = ['ps -a', 'network ls', 'volume ls'].flatMap((list) =>
    execFileSync('docker', [...list.split(' '), '--filter', 'label=com.docker.compose.project', '--format', format], {
      encoding: 'utf8',
    }).split('\n'),
  );
  return lines.filter((project) => project.startsWith(projectPrefix));
}

test.beforeAll(() => {
  workdir = mkdtempSync(path.join(os.tmpdir(), 'cj-adopt-'));
  repo = path.join(workdir, 'library-loans');
  mkdirSync(repo);
});

test.afterAll(() => {
  if (workdir) rmSync(workdir, { recursive: true, force: true });
  // The repo's image is named from its stack and its compose file's path, a temporary one here:
  // a user's repo keeps one tag, this test would leave one per run.
  const images = execFileSync('docker', ['images', '--filter', 'reference=journeys-library-loans-*', '-q'], {
    encoding: 'utf8',
  })
    .split('\n')
    .filter(Boolean);
  if (images.length > 0) execFileSync('docker', ['rmi', '-f', ...new Set(images)]);
});

// `npm pack` runs `prepack` (the build) unless told not to: tsc rewriting dist/ under the other
// worker's tests made one of them read a half-written module. `npm test` builds first; pack that.
const PACK = ['pack', '--ignore-scripts'];

test('the packed package holds only what runs', () => {
  const packed = run('npm', [...PACK, '--dry-run', '--json'], { cwd: REPO });
  expect(packed.exitCode, packed.output).toBe(0);
  const files = (JSON.parse(packed.stdout) as { files: { path: string }[] }[])[0]!.files.map((file) => file.path);
  // The README's links lead to docs/ and the changelog: they travel with it.
  expect(files.filter((file) => !/^(dist\/|bin\/|docs\/[a-z-]+\.md$)/.test(file)).sort()).toEqual([
    'CHANGELOG.md',
    'LICENSE',
    'README.md',
    'package.json',
  ]);
  expect(files).toContain('docs/fixtures.md');
  expect(files).toContain('dist/fixtures/index.d.ts');
  expect(files.some((file) => /^dist\/(test|bench|journeys|compose)\//.test(file))).toBe(false);
});

test('two commands in a repo of its own: install, init; then its journey type-checks and runs green', async () => {
  test.setTimeout(10 * 60_000);
  const packed = run('npm', [...PACK, '--pack-destination', workdir], { cwd: REPO });
  expect(packed.exitCode, packed.output).toBe(0);
  tarball = path.join(workdir, packed.stdout.trim().split('\n').at(-1)!);

  writeUserRepo(repo);
  await bundleLoansService(repo);
  const install = run('npm', [
    'install',
    '--no-audit',
    '--no-fund',
    '--prefer-offline',
    '--save-dev',
    tarball,
    `@playwright/test@${version('@playwright/test')}`,
    `typescript@${version('typescript')}`,
    `zod@${version('zod')}`,
  ]);
  expect(install.exitCode, install.output).toBe(0);
  // Nothing to build or approve: npm 11 lists every install script not covered by allowScripts.
  expect(install.output).not.toMatch(/install-scripts|allowScripts/);

  const init = run('npx', ['--no-install', 'journeys', 'init']);
  expect(init.exitCode, init.output).toBe(0);
  expect(init.stdout).toContain('wrote   playwright.config.ts');
  expect(init.stdout).toContain('wrote   journeys/stack.spec.ts');
  expect(init.stdout).toContain('wrote   package.json ("journeys.stack")');
  // The HTTP ports it found: the service's, and RabbitMQ's management API (not AMQP, not Postgres).
  expect(readFileSync(path.join(repo, 'journeys/stack.spec.ts'), 'utf8')).toContain(
    "  { service: 'events', containerPort: 15672 },\n  { service: 'loans', containerPort: 8080 },\n];",
  );
  expect(readFileSync(path.join(repo, '.gitignore'), 'utf8')).toMatch(/^reports\/$/m);

  writeFileSync(path.join(repo, 'journeys/borrow.spec.ts'), BORROW_JOURNEY);
  const typecheck = run('npx', ['--no-install', 'tsc', '--noEmit']);
  expect(typecheck.exitCode, typecheck.output).toBe(0);

  const journeys = run('npx', ['--no-install', 'playwright', 'test']);
  expect(journeys.exitCode, journeys.output).toBe(0);
  expect(journeys.output).toMatch(/5 passed/); // stack, init's two HTTP ports, borrow, stack teardown
  expect(leftovers('journeys-library-loans')).toEqual([]);
});

test('UI mode opened on the init-made repo lists its journeys without touching a filter', async () => {
  test.setTimeout(120_000);
  const view = await openUiMode(repo);
  expect(view.projects).toBe('journeys');
  expect(view.tests).toEqual(expect.arrayContaining(['borrow.spec.ts', 'a member borrows a book', 'stack.spec.ts']));
  expect(view.tests).not.toContain('start the stack');
});

test('bad input to init: a config exists, no compose file, a broken one; nothing written', () => {
  const before = snapshot(repo);
  const again = run('npx', ['--no-install', 'journeys', 'init']);
  expect(again.exitCode).not.toBe(0);
  expect(again.stderr).toContain(
    `${path.join(repo, 'playwright.config.ts')} exists: journeys init does not rewrite your Playwright config. Nothing was written.`,
  );
  expect(again.stderr).toContain("import { stackProjects } from 'compose-journeys/config';");
  expect(snapshot(repo)).toEqual(before);

  const empty = path.join(workdir, 'empty');
  mkdirSync(empty);
  writeFileSync(path.join(empty, 'package.json'), '{ "name": "empty" }\n');
  // Their installed CLI, run from a directory without a compose file.
  const journeys = path.join(repo, 'node_modules/.bin/journeys');
  const none = run(journeys, ['init'], { cwd: empty });
  expect(none.exitCode).not.toBe(0);
  expect(none.stderr).toContain(
    `No compose file in ${empty} (looked for compose.yaml, compose.yml, docker-compose.yml, docker-compose.yaml). Nothing was written.`,
  );
  expect(none.stderr).toContain('npx journeys init -f path/to/compose.yml');

  writeFileSync(
    path.join(empty, 'docker-compose.yml'),
    'services:\n  web:\n    image: nginx:1.27\n    depends_on: [db]\n',
  );
  const broken = run(journeys, ['init'], { cwd: empty });
  expect(broken.exitCode).not.toBe(0);
  expect(broken.stderr).toContain(
    '[CONFIG_INVALID] Compose rejected the stack (docker-compose.yml): service "web" depends on undefined service "db"',
  );
  expect(readdirSync(empty).sort()).toEqual(['docker-compose.yml', 'package.json']);
});

test("a failing journey in that repo: the report says why (category, the service's logs), and a missing role lists the services", () => {
  test.setTimeout(5 * 60_000);
  writeFileSync(path.join(repo, 'journeys/overdue.spec.ts'), OVERDUE_JOURNEY);
  writeFileSync(path.join(repo, 'journeys/announced.spec.ts'), KAFKA_JOURNEY);
  const report = path.join(workdir, 'report.json');
  const failing = run('npx', ['--no-install', 'playwright', 'test', '--reporter=json'], {
    env: { PLAYWRIGHT_JSON_OUTPUT_NAME: report },
  });
  expect(failing.exitCode, failing.output).toBe(1);
  const tests = testsOf(JSON.parse(readFileSync(report, 'utf8')));

  const product = tests.find((t) => t.title === 'a loan is due in 14 days')!;
  expect(product.annotations['failure-category']).toBe('PRODUCT');
  expect(product.attachments).toContain('logs-loans.log');
  expect(product.attachments).toContain('journey-timeline.md');

  const missing = tests.find((t) => t.title === 'loans are announced on Kafka')!;
  expect(missing.error).toContain(
    'The Kafka tap needs a kafka service, and the stack has none that looks like one (by image, environment or port). Services: catalog-db, events, loans.',
  );
  expect(missing.error).toContain('"journeys": { "services": { "kafka": "<service>" } }');
  expect(leftovers('journeys-library-loans')).toEqual([]);
});

interface ReportedTest {
  title: string;
  annotations: Record<string, string>;
  attachments: string[];
  error: string;
}

type JsonSuite = {
  specs?: {
    title: string;
    tests: {
      annotations: { type: string; description?: string }[];
      results: {
        annotations?: { type: string; description?: string }[];
        attachments: { name: string }[];
        errors?: { message?: string }[];
      }[];
    }[];
  }[];
  suites?: JsonSuite[];
};

function testsOf(report: { suites: JsonSuite[] }): ReportedTest[] {
  const walk = (suite: JsonSuite): ReportedTest[] => [
    ...(suite.specs ?? []).flatMap((spec) =>
      spec.tests.map((t) => {
        const result = t.results.at(-1)!;
        return {
          title: spec.title,
          annotations: Object.fromEntries(
            [...t.annotations, ...(result.annotations ?? [])].map((a) => [a.type, a.description ?? '']),
          ),
          attachments: result.attachments.map((a) => a.name),
          error: (result.errors ?? []).map((e) => e.message ?? '').join('\n'),
        };
      }),
    ),
    ...(suite.suites ?? []).flatMap(walk),
  ];
  return report.suites.flatMap(walk);
}

/** Every file's size and mtime under a directory, node_modules and reports aside: "nothing was written". */
function snapshot(directory: string): Record<string, string> {
  const entries: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      if (name === 'node_modules' || name === 'reports' || name === 'test-results') continue;
      const file = path.join(dir, name);
      const stats = statSync(file);
      if (stats.isDirectory()) walk(file);
      else entries[path.relative(directory, file)] = `${stats.size}@${stats.mtimeMs}`;
    }
  };
  walk(directory);
  return entries;
}

function writeUserRepo(dir: string): void {
  const files: Record<string, string> = {
    'package.json': '{\n  "name": "library-loans",\n  "private": true\n}\n',
    'compose.yml': COMPOSE,
    // Their machines pull public images; this one has no registry, so the stack says how to build
    // stand-ins (compose-journeys picks the override when no registry answers).
    'compose.offline.yml': COMPOSE_OFFLINE.replaceAll('@OFFLINE@', path.join(REPO, 'compose/offline')),
    'loans/Dockerfile':
      'FROM node:24-bookworm-slim\nWORKDIR /app\nCOPY dist/server.mjs ./server.mjs\nUSER node\nCMD ["node", "server.mjs"]\n',
    'loans/Dockerfile.offline':
      'FROM compose-journeys/node:24\nWORKDIR /app\nCOPY dist/server.mjs ./server.mjs\nUSER 1000:1000\nCMD ["node", "server.mjs"]\n',
    'loans/src/server.mjs': LOANS_SERVICE,
  };
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
}

/** The service's image copies one bundled file (its dependencies resolved from this repo's node_modules). */
async function bundleLoansService(dir: string): Promise<void> {
  await build({
    entryPoints: [path.join(dir, 'loans/src/server.mjs')],
    outfile: path.join(dir, 'loans/dist/server.mjs'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    nodePaths: [path.join(REPO, 'node_modules')],
    external: ['pg-native'],
    banner: { js: 'import { createRequire } from "node:module"; const require = createRequire(import.meta.url);' },
    logLevel: 'warning',
  });
}

const COMPOSE = `x-journeys:
  offline: compose.offline.yml

services:
  catalog-db:
    image: postgres:16.4
    environment:
      POSTGRES_USER: librarian
      POSTGRES_PASSWORD: shelf-secret-7
      POSTGRES_DB: library
    ports: ["127.0.0.1::5432"]
    healthcheck:
      test: ["CMD", "pg_isready", "-U", "librarian", "-d", "library"]
      interval: 30s
      start_period: 30s
      start_interval: 1s

  events:
    image: rabbitmq:3.13-management
    environment:
      RABBITMQ_DEFAULT_USER: loans
      RABBITMQ_DEFAULT_PASS: hop-secret-3
    ports: ["127.0.0.1::5672", "127.0.0.1::15672"]
    healthcheck:
      test: ["CMD", "bash", "-c", "</dev/tcp/127.0.0.1/5672"]
      interval: 30s
      start_period: 60s
      start_interval: 1s

  loans:
    build: ./loans
    environment:
      DATABASE_URL: postgres://librarian:shelf-secret-7@catalog-db:5432/library
      AMQP_URL: amqp://loans:hop-secret-3@events:5672
    ports: ["127.0.0.1::8080"]
    healthcheck:
      test: ["CMD", "node", "-e", "fetch('http://127.0.0.1:8080/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
      interval: 30s
      start_period: 30s
      start_interval: 1s
    depends_on:
      catalog-db: { condition: service_healthy }
      events: { condition: service_healthy }
`;

const COMPOSE_OFFLINE = `services:
  catalog-db:
    image: compose-journeys/postgres:offline
    build: @OFFLINE@/postgres
  events:
    image: compose-journeys/rabbitmq:offline
    build: @OFFLINE@/rabbitmq
  loans:
    build:
      context: ./loans
      dockerfile: Dockerfile.offline
`;

const LOANS_SERVICE = `// The team's service: POST /loans stores a loan and announces it on the "library" exchange.
import http from 'node:http';
import amqp from 'amqplib';
import pg from 'pg';

const db = new pg.Pool({ connectionString: process.env.DATABASE_URL });
await db.query('CREATE TABLE IF NOT EXISTS loans (id serial PRIMARY KEY, book text NOT NULL, member text NOT NULL, due_in_days int NOT NULL, correlation_id text)');
const channel = await (await amqp.connect(process.env.AMQP_URL)).createChannel();
await channel.assertExchange('library', 'topic', { durable: true });

const json = (res, status, body) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
http.createServer(async (req, res) => {
  if (req.method === 'GET' && (req.url === '/health' || req.url === '/')) return json(res, 200, { status: 'ok' });
  if (req.method !== 'POST' || req.url !== '/loans') return json(res, 404, { error: 'not found' });
  let text = '';
  for await (const chunk of req) text += chunk;
  const { book, member } = JSON.parse(text);
  const correlationId = req.headers['x-correlation-id'] ?? null;
  // The bug the failing journey finds: loans are due in 7 days, the library promises 14.
  const { rows } = await db.query('INSERT INTO loans (book, member, due_in_days, correlation_id) VALUES ($1, $2, 7, $3) RETURNING id, book, member, due_in_days AS "dueInDays"', [book, member, correlationId]);
  channel.publish('library', 'loan.created', Buffer.from(JSON.stringify({ type: 'loan.created', loanId: rows[0].id, book, correlationId })), { contentType: 'application/json' });
  console.log(\`loan \${rows[0].id}: \${book} to \${member}, due in 7 days\`);
  json(res, 201, rows[0]);
}).listen(8080);
`;

const BORROW_JOURNEY = `import { test, expect } from 'compose-journeys';
import { z } from 'zod';

const loan = z.object({ id: z.number(), book: z.string(), member: z.string(), dueInDays: z.number() });
const loanCreated = z.object({ type: z.literal('loan.created'), loanId: z.number(), book: z.string(), correlationId: z.string() });

test.use({ rabbitBindings: [{ exchange: 'library', pattern: 'loan.*' }], tapScope: 'journey' });

test('a member borrows a book', async ({ api, db, rabbitTap }) => {
  const created = await api.service('loans').post('/loans', { data: { book: 'Dune', member: 'ada' } }).expect(201, loan);
  await expect(rabbitTap).toHaveReceived(loanCreated, { where: (event) => event.loanId === created.id, times: 1 });
  const row = await db.database('library').one(z.object({ book: z.string(), correlation_id: z.string() }), 'SELECT book, correlation_id FROM loans WHERE id = $1', [created.id]);
  expect(row).toEqual({ book: 'Dune', correlation_id: api.correlationId });
});
`;

const OVERDUE_JOURNEY = `import { test, expect } from 'compose-journeys';
import { z } from 'zod';

test('a loan is due in 14 days', async ({ api }) => {
  const created = await api.service('loans').post('/loans', { data: { book: 'Emma', member: 'jane' } }).expect(201, z.object({ id: z.number(), dueInDays: z.number() }));
  expect(created.dueInDays, 'days until the book is due').toBe(14);
});
`;

// The stack has no Kafka: the fixture's error must list what the stack has.
const KAFKA_JOURNEY = `import { test, expect } from 'compose-journeys';

test.use({ kafkaTopics: ['loans'] });

test('loans are announced on Kafka', async ({ kafkaTap }) => {
  await expect(kafkaTap).toHaveReceived({ timeout: 100 });
});
`;
