import type pgModule from 'pg';
import type { z } from 'zod';
import { noteTableRead } from '../coverage/table-reads.ts';
import { Endpoints } from '../stack/endpoints.ts';
import { ROLES } from '../stack/service-roles.ts';
import type { StackState } from '../stack/stack-state.ts';
import { lazyRequire } from '../util/lazy-require.ts';
import { type EventuallyOptions, eventually } from './eventually.ts';
import { parseWithSchema, preview } from './schema-diff.ts';

const pg = lazyRequire<typeof pgModule>('pg');

/** A Postgres server of the stack. Omitted fields default to the service's resolved environment. */
export interface PostgresTarget {
  service: string;
  /** Container port (default 5432). */
  port?: number;
  user?: string;
  password?: string;
  /** Database names; omitted = every non-template database on the server (discovered at first use). */
  databases?: string[];
}

/** Thrown for a failed query: the database, the SQL (with a marker at the error position) and the parameters. */
export class QueryError extends Error {
  override name = 'QueryError';
  constructor(
    readonly database: string,
    readonly sql: string,
    readonly params: readonly unknown[],
    override readonly cause: unknown,
  ) {
    const pgError = cause as { message?: string; code?: string; position?: string; detail?: string; hint?: string };
    const position = Number(pgError.position);
    const lines = [
      `Query failed on database ${database}: ${pgError.message ?? String(cause)}${pgError.code ? ` [${pgError.code}]` : ''}`,
    ];
    if (pgError.detail) lines.push(`  detail: ${pgError.detail}`);
    if (pgError.hint) lines.push(`  hint: ${pgError.hint}`);
    lines.push(`  SQL: ${sql.trim()}`);
    if (position > 0) {
      const at = position - 1; // pg counts characters of the SQL as sent, from 1
      lines.push(
        `  near: ${sql.slice(Math.max(0, at - 20), at).replace(/\s+/g, ' ')}▶${sql.slice(at, at + 20).replace(/\s+/g, ' ')}  (character ${position})`,
      );
    }
    if (params.length > 0) lines.push(`  params: ${preview(params, 300)}`);
    super(lines.join('\n'), { cause });
  }
}

// int8 (bigint, count(*), bigserial) as a number when it fits, so schemas say z.number(); beyond 2^53 it stays a string.
const int8 = (value: string) => (Number.isSafeInteger(Number(value)) ? Number(value) : value);
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === 20 ? int8 : pg().types.getTypeParser(oid, format as 'text')) as typeof pgModule.types.getTypeParser,
};

/** One database of one Postgres service, behind a pool shared by the worker's tests. */
export class Database {
  readonly label: string;
  constructor(
    readonly service: string,
    readonly name: string,
    readonly pool: pgModule.Pool,
  ) {
    this.label = `${service}/${name}`;
  }

  async query<R extends Record<string, unknown> = Record<string, unknown>>(
    sql: string,
    params: readonly unknown[] = [],
  ): Promise<R[]> {
    noteTableRead(this.label, sql); // the journey's own query, or its rule's: the coverage counts its tables
    return this.runnerQuery<R>(sql, params);
  }

  /** The runner's own queries (catalogs, resets, snapshots): they touch every table, and count for no journey. */
  async runnerQuery<R extends Record<string, unknown> = Record<string, unknown>>(
    sql: string,
    params: readonly unknown[] = [],
  ): Promise<R[]> {
    try {
      return (await this.pool.query<R>(sql, params as unknown[])).rows;
    } catch (error) {
      throw new QueryError(this.label, sql, params, error);
    }
  }

  /** Exactly one row, parsed by `schema`. */
  async one<S extends z.ZodType>(schema: S, sql: string, params: readonly unknown[] = []): Promise<z.output<S>> {
    return this.onlyRow(schema, await this.query(sql, params), sql, params);
  }

  /** Every row, each parsed by `schema`. */
  async many<S extends z.ZodType>(schema: S, sql: string, params: readonly unknown[] = []): Promise<z.output<S>[]> {
    return this.allRows(schema, await this.query(sql, params), sql);
  }

  /** Waits until the query returns exactly one row that matches `schema`; a timeout shows the last rows read. */
  async eventuallyOne<S extends z.ZodType>(
    schema: S,
    sql: string,
    params: readonly unknown[] = [],
    options: EventuallyOptions = {},
  ): Promise<z.output<S>> {
    const rows = await eventually(() => this.query(sql, params), {
      description: `one row matching the schema in ${this.label}`,
      ...options,
      until: (rows) => void this.onlyRow(schema, rows, sql, params),
    });
    return this.onlyRow(schema, rows, sql, params);
  }

  /** Waits until the rows all match `schema` and `until` holds for them (default: at least one row). */
  async eventuallyMany<S extends z.ZodType>(
    schema: S,
    sql: string,
    params: readonly unknown[] = [],
    options: EventuallyOptions & { until?: (rows: z.output<S>[]) => boolean | void } = {},
  ): Promise<z.output<S>[]> {
    const { until = (parsed: unknown[]) => parsed.length > 0, ...rest } = options;
    const rows = await eventually(() => this.query(sql, params), {
      description: `rows matching the schema in ${this.label}`,
      ...rest,
      until: (rows) => until(this.allRows(schema, rows, sql)),
    });
    return this.allRows(schema, rows, sql);
  }

  private onlyRow<S extends z.ZodType>(
    schema: S,
    rows: Record<string, unknown>[],
    sql: string,
    params: readonly unknown[],
  ): z.output<S> {
    if (rows.length !== 1) {
      throw new Error(
        `Expected exactly one row from ${this.label}, got ${rows.length}${rows.length > 0 ? `: ${preview(rows, 500)}` : ''}\n  SQL: ${sql.trim()}${params.length ? `\n  params: ${preview(params, 300)}` : ''}`,
      );
    }
    return parseWithSchema(schema, rows[0], `Row from ${this.label} (${sql.trim().slice(0, 80)})`);
  }

  private allRows<S extends z.ZodType>(schema: S, rows: Record<string, unknown>[], sql: string): z.output<S>[] {
    return rows.map((row, index) =>
      parseWithSchema(schema, row, `Row ${index} from ${this.label} (${sql.trim().slice(0, 80)})`),
    );
  }

  /** Runs `work` in a transaction on one connection (committed unless it throws). */
  async transaction<T>(work: (client: pgModule.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect().catch((error: unknown) => {
      throw new QueryError(this.label, '(connect)', [], error);
    });
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
}

interface ResolvedServer {
  service: string;
  containerPort: number;
  connection: { host: string; port: number; user: string; password: string };
  adminDatabase: string;
  configured?: string[];
  databases: string[];
}

/** The `db` fixture: every database of every Postgres service, by name. */
export class Databases {
  private readonly handles = new Map<string, Database>();
  private constructor(
    private readonly state: StackState,
    private readonly servers: ResolvedServer[],
  ) {}

  /**
   * Targets = the `databases` option; undefined = every Postgres service of the stack (found by role),
   * credentials from its environment (POSTGRES_USER/POSTGRES_PASSWORD/POSTGRES_DB, or bitnami's POSTGRESQL_*).
   */
  static async connect(state: StackState, targets?: readonly PostgresTarget[]): Promise<Databases> {
    const endpoints = new Endpoints(state.endpoints);
    const chosen: readonly PostgresTarget[] = targets ?? state.roles.postgres.map((service) => ({ service }));
    const servers = chosen.map((target): ResolvedServer => {
      const endpoint = endpoints.get(target.service, target.port ?? ROLES.postgres.port);
      const env = state.environment[target.service] ?? {};
      const user = target.user ?? env.POSTGRES_USER ?? env.POSTGRESQL_USERNAME ?? 'postgres';
      return {
        service: target.service,
        containerPort: target.port ?? ROLES.postgres.port,
        connection: {
          host: endpoint.host,
          port: endpoint.port,
          user,
          password: target.password ?? env.POSTGRES_PASSWORD ?? env.POSTGRESQL_PASSWORD ?? '',
        },
        adminDatabase: env.POSTGRES_DB ?? env.POSTGRESQL_DATABASE ?? user,
        configured: target.databases,
        databases: target.databases ?? [],
      };
    });
    const db = new Databases(state, servers);
    await db.refresh();
    return db;
  }

  private get projectName(): string {
    return this.state.projectName;
  }

  /** Says there is no Postgres to look in, which services there are, and how to name one. */
  private noServers(): Error {
    return new Error(
      `The stack ${this.projectName} has no Postgres service (none looks like one by image, environment or port). Services: ${Object.keys(this.state.environment).join(', ')}. ` +
        'Name it in package.json ("journeys": { "services": { "postgres": "<service>" } }), or configure test.use({ databases: [{ service, databases }] }).',
    );
  }

  /** Re-reads the database list of discovered servers (after a test created a database). */
  async refresh(): Promise<void> {
    await Promise.all(
      this.servers
        .filter((s) => !s.configured)
        .map(async (server) => {
          const client = new (pg().Client)({
            ...server.connection,
            database: server.adminDatabase,
            application_name: 'compose-journeys',
          });
          try {
            await client.connect();
            const { rows } = await client.query<{ datname: string }>(
              'SELECT datname FROM pg_database WHERE NOT datistemplate AND datallowconn ORDER BY datname',
            );
            server.databases = rows.map((row) => row.datname);
          } catch (error) {
            throw new QueryError(
              `${server.service}/${server.adminDatabase} (${server.connection.host}:${server.connection.port})`,
              'SELECT datname FROM pg_database',
              [],
              error,
            );
          } finally {
            await client.end().catch(() => undefined);
          }
        }),
    );
  }

  /** Qualified names (`service/database`) of every database. */
  names(): string[] {
    return this.servers.flatMap((s) => s.databases.map((d) => `${s.service}/${d}`));
  }

  /** `'orders'` (when only one service has it) or `'postgres/orders'`. */
  database(name: string): Database {
    if (this.servers.length === 0) throw this.noServers();
    const slash = name.indexOf('/');
    if (slash >= 0) return this.service(name.slice(0, slash)).database(name.slice(slash + 1));
    const holders = this.servers.filter((s) => s.databases.includes(name));
    if (holders.length === 1) return this.open(holders[0]!, name);
    if (holders.length > 1)
      throw new Error(
        `Database "${name}" exists on ${holders.map((s) => s.service).join(' and ')}: say which, e.g. db.database("${holders[0]!.service}/${name}").`,
      );
    throw new Error(
      `No database "${name}" in stack ${this.projectName}. Databases: ${this.names().join(', ') || 'none'}. Configure them with test.use({ databases: [{ service, databases }] }), or call db.refresh() after creating one.`,
    );
  }

  service(service: string): { database(name: string): Database; readonly databases: readonly string[] } {
    if (this.servers.length === 0) throw this.noServers();
    const server = this.servers.find((s) => s.service === service);
    if (!server) {
      throw new Error(
        `No Postgres service "${service}" in stack ${this.projectName}. Postgres services: ${this.servers.map((s) => s.service).join(', ') || 'none'} (found by role, or the \`databases\` option).`,
      );
    }
    return {
      databases: server.databases,
      database: (name) => {
        if (!server.databases.includes(name)) {
          throw new Error(
            `No database "${name}" on service ${service} (${server.connection.host}:${server.connection.port}). Its databases: ${server.databases.join(', ') || 'none'}.`,
          );
        }
        return this.open(server, name);
      },
    };
  }

  private open(server: ResolvedServer, name: string): Database {
    const key = `${server.service}/${name}`;
    let handle = this.handles.get(key);
    if (!handle) {
      // Pools connect lazily: a worker pays for the databases its tests use.
      const pool = new (pg().Pool)({
        ...server.connection,
        database: name,
        max: 4,
        idleTimeoutMillis: 10_000,
        application_name: 'compose-journeys',
        types,
      });
      pool.on('error', () => undefined); // an idle client dropped by the server must not crash the worker
      // A Postgres the faults fixture restarted is published on a new host port: the pool's next
      // connections follow the stack's endpoints (pg creates each client from pool.options).
      const endpoints = new Endpoints(this.state.endpoints);
      Object.defineProperty((pool as unknown as { options: object }).options, 'port', {
        get: () => endpoints.get(server.service, server.containerPort).port,
        enumerable: true,
        configurable: true,
      });
      handle = new Database(server.service, name, pool);
      this.handles.set(key, handle);
    }
    return handle;
  }

  async close(): Promise<void> {
    await Promise.all([...this.handles.values()].map((h) => h.pool.end()));
    this.handles.clear();
  }
}
