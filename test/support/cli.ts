import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const stackFile = (name: string) => path.join(REPO, 'test/stacks', name);

export interface CliRun {
  exitCode: number;
  stdout: string;
  stderr: string;
  elapsedMs: number;
}

/** Runs `journeys ...` as a user would, from the repo root. */
export function journeys(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  const started = Date.now();
  const child = startJourneys(args, env);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) =>
    child.on('close', (code, signal) =>
      resolve({ exitCode: code ?? (signal === 'SIGKILL' ? 137 : 1), stdout, stderr, elapsedMs: Date.now() - started }),
    ),
  );
}

export function startJourneys(args: string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
  return spawn(process.execPath, [path.join(REPO, 'bin/journeys.js'), ...args], {
    cwd: REPO,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}
