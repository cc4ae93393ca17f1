// One-shot job: create each service's database on the shared server, then
// apply its schema. Safe to run repeatedly and concurrently.
import pg from 'pg';
import type { Config } from './config.ts';
import type { Logger } from './logger.ts';
import { type DatabaseName, schemas } from './schema.ts';

export async function migrate(config: Config<'migrate'>, log: Logger): Promise<void> {
  for (const name of Object.keys(schemas) as DatabaseName[]) {
    await createDatabase(config.POSTGRES_URL, name, log);
    await applySchema(databaseUrl(config.POSTGRES_URL, name), name, log);
  }
  log.info('migrations applied', { databases: Object.keys(schemas) });
}

function databaseUrl(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, application_name: 'migrate' });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function createDatabase(serverUrl: string, name: DatabaseName, log: Logger): Promise<void> {
  await withClient(serverUrl, async (client) => {
    const existing = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (existing.rowCount) return;
    try {
      // Identifiers cannot be bound parameters; `name` comes from our own schema keys.
      await client.query(`CREATE DATABASE "${name}"`);
      log.info('database created', { database: name });
    } catch (err) {
      // A concurrent migrate created it first: 42P04 duplicate_database, or
      // 23505 when both raced on pg_database's unique index.
      const code = (err as { code?: string }).code;
      if (code !== '42P04' && code !== '23505') throw err;
    }
  });
}

async function applySchema(url: string, name: DatabaseName, log: Logger): Promise<void> {
  await withClient(url, async (client) => {
    await client.query('BEGIN');
    // CREATE ... IF NOT EXISTS is not safe against a concurrent identical
    // statement; serialize migrators per database.
    await client.query("SELECT pg_advisory_xact_lock(hashtext('shop-migrate'))");
    await client.query(schemas[name]);
    await client.query('COMMIT');
  });
  log.info('schema applied', { database: name });
}
