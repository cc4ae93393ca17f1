import { execFileSync } from 'node:child_process';

/** The commit a run tested: CI says so (GITHUB_SHA), else the work tree's HEAD; none outside git. */
export function gitSha(cwd: string): string | undefined {
  if (process.env.GITHUB_SHA) return process.env.GITHUB_SHA;
  try {
    return (
      execFileSync('git', ['rev-parse', 'HEAD'], {
        cwd,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
        timeout: 5_000,
      }).trim() || undefined
    );
  } catch {
    return undefined;
  }
}
