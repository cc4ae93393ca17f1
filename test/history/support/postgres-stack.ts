import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { defineStack, type StartedStack, startStack } from 'compose-journeys/stack';
import { REPO } from './nested-history-run.ts';

const COMPOSE_FILE = path.join(REPO, 'test/history/stacks/postgres/compose.yml');

export interface PostgresStack {
  projectName: string;
  /** postgres://history:history@127.0.0.1:<port>/<database> */
  url: (database?: string) => string;
  down: () => Promise<void>;
}

/**
 * A throwaway PostgreSQL: the offline image (built from the shop's override when missing), started
 * by our own engine under a unique project name, so its watchdog removes it even when this test
 * run is killed; its port on 127.0.0.1 only, removed with its volume by down().
 */
export async function startPostgres(): Promise<PostgresStack> {
  const projectName = `cj-history-pg-${randomBytes(3).toString('hex')}`;
  try {
    execFileSync('docker', ['image', 'inspect', 'compose-journeys/postgres:offline'], { stdio: 'ignore' });
  } catch {
    execFileSync(
      'docker',
      ['compose', '-f', 'compose/shop/compose.yml', '-f', 'compose/shop/compose.offline.yml', 'build', 'postgres'],
      { cwd: REPO, stdio: 'inherit' },
    );
  }
  const stack: StartedStack = await startStack(await defineStack({ files: [COMPOSE_FILE], projectName }), {
    waitTimeoutSeconds: 120,
  });
  const port = stack.endpoints.get('postgres', 5432).port;
  return {
    projectName,
    url: (database = 'history') => `postgres://history:history@127.0.0.1:${port}/${database}`,
    down: async () => {
      await stack.stop({ keep: false });
    },
  };
}
