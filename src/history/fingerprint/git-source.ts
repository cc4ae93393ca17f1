import { execFileSync } from 'node:child_process';
import path from 'node:path';
import type { Commit } from './run-fingerprint.ts';

/**
 * What git knows about a folder: the tree it had at HEAD, whether the work tree differs from it,
 * and the commits that touched it between two runs. Git is asked, never parsed from .git: worktrees,
 * submodules and packed refs are its business. Outside a repository, or without git, nothing.
 */
function git(cwd: string, args: readonly string[]): string | undefined {
  try {
    return execFileSync('git', args, {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 10_000,
      maxBuffer: 16 * 1024 * 1024,
    });
  } catch {
    return undefined;
  }
}

export interface FolderSource {
  /** Relative to the repository's top (`compose/shop/services`), or the absolute path outside one. */
  path: string;
  tree?: string;
  dirty: boolean;
  /** The repository's HEAD and top folder. */
  head?: string;
  repository?: string;
}

export function repositoryTop(cwd: string): string | undefined {
  return git(cwd, ['rev-parse', '--show-toplevel'])?.trim() || undefined;
}

export function folderSource(folder: string): FolderSource {
  const top = repositoryTop(folder);
  if (!top) return { path: folder, dirty: false };
  const relative = path.relative(top, folder).split(path.sep).join('/') || '.';
  const tree = git(top, ['rev-parse', `HEAD:${relative === '.' ? '' : relative}`])?.trim();
  // Untracked files count: a new source file in the build context changes the image.
  const status = git(top, ['status', '--porcelain', '--untracked-files=normal', '--', relative]);
  const head = git(top, ['rev-parse', 'HEAD'])?.trim();
  return {
    path: relative,
    ...(tree ? { tree } : {}),
    dirty: Boolean(status?.trim()),
    ...(head ? { head } : {}),
    repository: top,
  };
}

export function workTreeDirty(cwd: string): boolean | undefined {
  const status = git(cwd, ['status', '--porcelain', '--untracked-files=no']);
  return status === undefined ? undefined : status.trim().length > 0;
}

/**
 * The commits from `from` (exclusive) to `to`, newest first, with the files each touched; undefined
 * when git cannot say (a shallow clone without `from`, another repository).
 */
export function commitsBetween(cwd: string, from: string, to: string, limit = 200): Commit[] | undefined {
  if (from === to) return [];
  const out = git(cwd, ['log', `--max-count=${limit}`, '--format=%x1e%H%x1f%s', '--name-only', `${from}..${to}`]);
  if (out === undefined) return undefined;
  return out
    .split('\x1e')
    .filter((chunk) => chunk.trim())
    .map((chunk) => {
      const [head = '', ...files] = chunk.split('\n');
      const [sha = '', subject = ''] = head.split('\x1f');
      return { sha, subject, files: files.map((file) => file.trim()).filter(Boolean) };
    });
}
