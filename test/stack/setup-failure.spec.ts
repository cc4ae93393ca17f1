import { spawn } from 'node:child_process';
import { expect, test } from '@playwright/test';
import { REPO, stackFile } from '../support/cli.ts';
import { resourceCount } from '../support/docker-resources.ts';
import { runEnv } from '../support/holders.ts';

test('when the stack does not come up, the terminal shows the whole diagnosis the report attaches', async () => {
  const projectName = `jt-setupfail-${Math.random().toString(36).slice(2, 7)}`;
  const child = spawn(
    'npx',
    ['--no-install', 'playwright', 'test', '-c', 'test/support/interrupt/interrupt.config.ts', '--reporter', 'list'],
    {
      cwd: REPO,
      env: runEnv({
        JOURNEYS_PROJECT: projectName,
        TEST_STACK: stackFile('unhealthy/compose.yml'),
        TEST_WAIT_TIMEOUT: '15',
        FORCE_COLOR: '0',
      }),
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  expect(code).not.toBe(0);
  // The failing test's error as the list reporter prints it: headline, then every section.
  const error = output.slice(output.indexOf('[HEALTHCHECK_TIMEOUT]'));
  expect(error).toMatch(/\[HEALTHCHECK_TIMEOUT\] Stack \S+ did not become ready.*db \(unhealthy\)/);
  expect(error).toContain('✗ db: running (unhealthy)');
  expect(error).toContain('db: not accepting connections on 5432'); // its health output
  expect(error).toContain('last 50 log lines:');
  expect(error).toContain('blocked behind it: api');
  expect(resourceCount(projectName)).toBe(0);
});
