import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { REPO } from './cli.ts';

/** The environment of a separate run: nothing inherited from this test runner's run. */
export function runEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  // Undefined values are left out by spawn, also where the caller merges this over process.env.
  const outer = Object.fromEntries(
    Object.keys(process.env)
      .filter((name) =>
        /^JOURNEYS_(OWNER_PID|OWNER_STARTED|RUN|RUN_ID|PROJECT|STACK_OPTIONS|REUSED_AT_CONFIG)$/.test(name),
      )
      .map((name) => [name, undefined]),
  );
  return { ...process.env, ...outer, ...extra };
}

export interface Holder {
  child: ChildProcess;
  /** Resolves once the stack is ready; rejects if the holder exits first. */
  ready: Promise<void>;
  exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** A process of its own that starts a stack and holds it (test/support/hold-stack.ts). */
export function holdStack(
  file: string,
  projectName: string,
  flags: string[] = [],
  env: NodeJS.ProcessEnv = {},
): Holder {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(REPO, 'test/support/hold-stack.ts'), file, projectName, ...flags],
    {
      cwd: REPO,
      env: runEnv(env),
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('READY') && resolve());
    void exited.then((code) =>
      reject(new Error(`holder of ${projectName} exited ${code} before its stack was ready:\n${stderr}`)),
    );
  });
  ready.catch(() => {});
  return {
    child,
    ready,
    exited,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}
