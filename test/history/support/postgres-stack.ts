import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { REPO } from './nested-history-run.ts';

const COMPOSE_FILE = 'test/history/stacks/postgres/compose.yml';

export interface PostgresStack {
  projectName: string;
  /** postgres://history:history@127.0.0.1:<port>/<database> */
  url: (database?: string) => string;
  down: () => void;
}

/**
 * A throwaway PostgreSQL: the offline image (built from the shop's override when missing), a
 * unique Compose project, its port on 127.0.0.1 only, removed with its volume by down().
 */
export function startPostgres(): PostgresStack {
  const projectName = `cj-history-pg-${randomBytes(3).toString('hex')}`;
  const compose = (...args: string[]) =>
    execFileSync('docker', ['compose', '-p', projectName, '-f', COMPOSE_FILE, ...args], {
      cwd: REPO,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  const down = () => {
    compose('down', '--volumes', '--remove-orphans', '--timeout', '0');
  };
  try {
    execFileSync('docker', ['image', 'inspect', 'compose-journeys/postgres:offline'], { stdio: 'ignore' });
  } catch {
    execFileSync(
      'docker',
      ['compose', '-f', 'compose/shop/compose.yml', '-f', 'compose/shop/compose.offline.yml', 'build', 'postgres'],
      { cwd: REPO, stdio: 'inherit' },
    );
  }
  try {
    compose('up', '--detach', '--wait', '--wait-timeout', '120');
    const port = compose('port', 'postgres', '5432').trim().split(':').at(-1);
    return {
      projectName,
      url: (database = 'history') => `postgres://history:history@127.0.0.1:${port}/${database}`,
      down,
    };
  } catch (error) {
    down();
    throw error;
  }
}
