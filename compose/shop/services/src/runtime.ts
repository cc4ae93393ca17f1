// What every long-running service shares: config, logger, database pool,
// the /health endpoint and graceful shutdown on SIGTERM.
import { type Config, loadConfig, type ServiceName } from './config.ts';
import { checkDb, createPool, type Db } from './db.ts';
import { type Route, startHttpServer } from './http.ts';
import { createLogger, type Logger } from './logger.ts';
import { withTimeout } from './util.ts';

export type RunningService = Exclude<ServiceName, 'migrate'>;

export interface ServiceContext<S extends RunningService> {
  config: Config<S>;
  log: Logger;
  db: Db;
  /** Registers a cleanup step; steps run in reverse registration order on shutdown. */
  onStop(name: string, stop: () => Promise<void>): void;
}

/** A check throws (or rejects) when the dependency is not usable. */
export type Check = () => void | Promise<void>;

export interface ServiceParts {
  routes: Route[];
  checks: Record<string, Check>;
}

// Compose gives containers 10 s before SIGKILL; we aim for well under that
// so `docker compose down` and restarts in journeys stay fast.
const SHUTDOWN_DEADLINE_MS = 1800;
const CHECK_TIMEOUT_MS = 1500;

export function assert(condition: boolean, message: string): void {
  if (!condition) throw new Error(message);
}

export async function runService<S extends RunningService>(
  name: S,
  build: (ctx: ServiceContext<S>) => Promise<ServiceParts>,
): Promise<void> {
  const config = loadConfig(name);
  const log = createLogger(name, config.LOG_LEVEL);
  const stops: Array<{ name: string; stop: () => Promise<void> }> = [];
  const onStop = (stepName: string, stop: () => Promise<void>) => stops.push({ name: stepName, stop });
  let stopping = false;

  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info('shutting down', { signal });
    const deadline = setTimeout(() => {
      log.error('shutdown deadline exceeded, exiting', { deadlineMs: SHUTDOWN_DEADLINE_MS });
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS);
    for (const step of stops.reverse()) {
      await step.stop().catch((err) => log.warn('shutdown step failed', { step: step.name, err }));
    }
    clearTimeout(deadline);
    log.info('stopped');
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));

  const db = createPool(config.DATABASE_URL, log, name);
  onStop('postgres pool', () => db.end());
  const parts = await build({ config, log, db, onStop });
  const checks: Record<string, Check> = { postgres: () => checkDb(db), ...parts.checks };

  const health: Route = {
    method: 'GET',
    path: '/health',
    handler: async () => {
      const results = await runChecks(checks);
      const ok = !stopping && Object.values(results).every((r) => r.ok);
      return { status: ok ? 200 : 503, body: { status: ok ? 'ok' : 'unavailable', service: name, checks: results } };
    },
  };
  // What the service offers, as real services publish it: the coverage page lists these endpoints.
  const openapi: Route = {
    method: 'GET',
    path: '/openapi.json',
    handler: async () => ({ status: 200, body: openapiDocument(name, [health, ...parts.routes]) }),
  };
  const server = await startHttpServer(config.PORT, [health, openapi, ...parts.routes], log);
  onStop('http server', server.stop);
  log.info('service started', { port: config.PORT });
}

type CheckResult = { ok: true; ms: number } | { ok: false; error: string };

async function runChecks(checks: Record<string, Check>): Promise<Record<string, CheckResult>> {
  const entries = await Promise.all(
    Object.entries(checks).map(async ([name, check]) => {
      const started = performance.now();
      try {
        await withTimeout(Promise.resolve().then(check), CHECK_TIMEOUT_MS, name);
        return [name, { ok: true, ms: Math.round(performance.now() - started) } satisfies CheckResult] as const;
      } catch (err) {
        return [
          name,
          { ok: false, error: err instanceof Error ? err.message : String(err) } satisfies CheckResult,
        ] as const;
      }
    }),
  );
  return Object.fromEntries(entries);
}

/** An OpenAPI 3.1 document of the routes: paths and operations (`/orders/:id` → `/orders/{id}`). */
function openapiDocument(service: string, routes: readonly Route[]): unknown {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const template = route.path.replace(/:(\w+)/g, '{$1}');
    paths[template] = {
      ...paths[template],
      [route.method.toLowerCase()]: { responses: { default: { description: 'JSON' } } },
    };
  }
  return { openapi: '3.1.0', info: { title: service, version: '1' }, paths };
}
