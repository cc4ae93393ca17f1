import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { constants } from 'node:os';
import path from 'node:path';
import { JourneysError } from '../errors.ts';

/**
 * Playwright's CLI as `npx playwright` would find it: the project's own @playwright/test (the one
 * that loads its config), else the one beside compose-journeys (its peer dependency).
 */
export function playwrightCli(cwd = process.cwd()): string {
  for (const from of [path.join(cwd, 'package.json'), import.meta.url]) {
    try {
      return createRequire(from).resolve('@playwright/test/cli');
    } catch {}
  }
  throw new JourneysError(
    'CONFIG_INVALID',
    'no @playwright/test is installed here. Fix: npm install -D @playwright/test (compose-journeys runs it)',
  );
}

/**
 * `playwright ARGS` in a child process with this one's terminal (its output is the job's log), the
 * variables given added to the environment; resolves to its exit code. Ctrl-C and SIGTERM are
 * passed on, as npx does, and the child is waited for: a run ends its own way (the stack's teardown).
 */
export function runPlaywright(args: readonly string[], env: Record<string, string>): Promise<number> {
  const child = spawn(process.execPath, [playwrightCli(), ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  return new Promise<number>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve(code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 1)));
  }).finally(() => {
    process.off('SIGINT', forward);
    process.off('SIGTERM', forward);
  });
}
