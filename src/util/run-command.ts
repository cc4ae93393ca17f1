import { spawn } from 'node:child_process';

export interface CommandResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  input?: string;
  /** Called with each chunk as it arrives (progress, live logs). */
  onOutput?: (chunk: string, stream: 'stdout' | 'stderr') => void;
  /** Aborting kills the child with SIGTERM: used when the user presses Ctrl-C mid-`up`. */
  signal?: AbortSignal;
  timeoutMs?: number;
}

/**
 * Runs a program without a shell and collects its output. Never throws for a non-zero exit:
 * callers decide what a failure means (a missing compose file is not a missing docker binary).
 */
export function runCommand(file: string, args: readonly string[], options: RunOptions = {}): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      signal: options.signal,
      timeout: options.timeoutMs,
      killSignal: 'SIGTERM',
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      options.onOutput?.(chunk, 'stdout');
    });
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      options.onOutput?.(chunk, 'stderr');
    });
    if (options.input !== undefined) child.stdin?.end(options.input);
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (error.name === 'AbortError') resolve({ exitCode: 130, stdout, stderr });
      else reject(error);
    });
    child.on('close', (code, signal) => resolve({ exitCode: code ?? (signal ? 128 : 1), stdout, stderr }));
  });
}

/** True when the program exists on PATH (ENOENT is the only "not installed" we care about). */
export async function commandExists(file: string): Promise<boolean> {
  try {
    await runCommand(file, ['--version'], { timeoutMs: 10_000 });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}
