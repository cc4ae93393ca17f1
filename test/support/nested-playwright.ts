import { spawn } from 'node:child_process';
import { REPO } from './cli.ts';

/**
 * `npx playwright test --config CONFIG ARGS` in a child process, as CI runs it, with output collected.
 * The outer run's variables matching `withheld` (its stack, Playwright's own) do not leak in: the
 * nested run names and owns its own stack.
 */
export function runPlaywright(
  config: string,
  args: readonly string[],
  env: Record<string, string>,
  withheld = /^(JOURNEYS_|PW_|PLAYWRIGHT_|TEST_)/,
): Promise<{ exitCode: number; output: string }> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([name]) => !withheld.test(name)));
  const child = spawn('npx', ['--no-install', 'playwright', 'test', '--config', config, ...args], {
    cwd: REPO,
    env: { ...clean, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ exitCode: code ?? 1, output })));
}
