// npx tsx bench/consistency.bench.ts, against the running shop stack (JOURNEYS_PROJECT, default journeys-shop).
//
// eventually: commit → check resolved. `eventually` polls (via the fixture's pool) for a row that a
// second connection inserts (autocommit) after a random 0-250 ms, the way a journey waits for a
// service's write; a sample is the time from the writer's commit acknowledgement to `eventually`
// resolving. It is bounded by the back-off (10 ms growing to 50 ms) plus one query.
//
// fixture-overhead: Playwright fixtures only run inside the runner, so this times the same functions
// the fixtures call, per test with a warm worker (the worker-scoped `db` already connected): the
// correlation id and unique ids, the redacting attach, createApi + one service client (what `api` costs a test
// that uses it) and its dispose, the consistency checker and the snapshotter.
//
// Then, without the shop: what a call with a cached role token costs over the same call anonymous
// (bench/token-cost.ts; alone: npm run bench:token).

import type { TestInfo } from '@playwright/test';
import { request } from '@playwright/test';
import pg from 'pg';
import { z } from 'zod';
import { newCorrelationId, uniqueIds } from '../fixtures/correlation.ts';
import { consistencyChecker } from '../src/data/consistency.ts';
import { Databases } from '../src/data/databases.ts';
import { snapshotter } from '../src/data/snapshots.ts';
import { createApi } from '../src/http/api.ts';
import { redactingAttach, stackRedactor } from '../src/report/redaction.ts';
import { Endpoints } from '../src/stack/endpoints.ts';
import { readStackState } from '../src/stack/stack-state.ts';
import { stackStateFile } from '../src/stack/stack-state-file.ts';
import { printLatency } from './figures.ts';
import { benchTokenCost } from './token-cost.ts';

const state = readStackState(stackStateFile(process.env.JOURNEYS_PROJECT ?? 'journeys-shop'));
const endpoints = new Endpoints(state.endpoints);
const db = await Databases.connect(state);
const scratch = `cj_bench_${process.pid}`;
await db.database('postgres/postgres').query(`CREATE DATABASE ${scratch}`);
try {
  await db.refresh();
  const target = db.database(scratch);
  await target.query('CREATE TABLE marks (id text PRIMARY KEY)');
  const pgEndpoint = endpoints.get('postgres', 5432);
  const env = state.environment.postgres ?? {};
  const writer = new pg.Client({
    host: pgEndpoint.host,
    port: pgEndpoint.port,
    user: env.POSTGRES_USER ?? 'postgres',
    password: env.POSTGRES_PASSWORD ?? '',
    database: scratch,
  });
  await writer.connect();
  await target.query('SELECT 1'); // warm the pool

  const lag: number[] = [];
  for (let i = 0; i < 60; i++) {
    const id = `mark-${i}`;
    let committedAt = 0;
    const seen = target
      .eventuallyOne(z.object({ id: z.literal(id) }), 'SELECT id FROM marks WHERE id = $1', [id], { timeout: 5_000 })
      .then(() => performance.now());
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 250));
    await writer.query('INSERT INTO marks (id) VALUES ($1)', [id]);
    committedAt = performance.now();
    lag.push(Math.max(0, (await seen) - committedAt));
  }
  await writer.end();
  printLatency('eventually', lag);

  const playwrightRequest = request;
  const fakeTestInfo = { attach: async () => undefined } as unknown as TestInfo;
  const redact = stackRedactor(state.environment); // worker-scoped in the fixtures
  const overhead: number[] = [];
  for (let i = 0; i < 220; i++) {
    const started = performance.now();
    const correlationId = newCorrelationId(`bench test ${i}`);
    uniqueIds(correlationId);
    const api = createApi({ endpoints, correlationId, request: playwrightRequest, exchanges: [] });
    await api.service('orders').context();
    const attach = redactingAttach(fakeTestInfo, redact);
    consistencyChecker(db, correlationId, attach);
    snapshotter(db, correlationId);
    await api.dispose();
    if (i >= 20) overhead.push(performance.now() - started); // the first 20 warm the driver up
  }
  printLatency('fixture-overhead', overhead);
} finally {
  await db.database('postgres/postgres').query(`DROP DATABASE IF EXISTS ${scratch} WITH (FORCE)`);
  await db.close();
}

await benchTokenCost();
