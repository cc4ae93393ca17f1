import { execFile } from 'node:child_process';
import path from 'node:path';
import type { Commit } from './run-fingerprint.ts';

/**
 * What git knows about a folder: the tree it had at HEAD, whether the work tree differs from it,
 * and the commits that touched it between two runs. Git is asked, never parsed from .git: worktrees,
 * submodules and packed refs are its business. Outside a repository, or without git, nothing.
 */
function git(cwd: string, args: readonly string[]): Promise<string | undefined> {
  return new Promise((resolve) =>
    execFile('git', args, { cwd, encoding: 'utf8', timeout: 10_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout) =>
      resolve(error ? undefined : stdout),
    ),
  );
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

export async function repositoryTop(cwd: string): Promise<string | undefined> {
  return (await git(cwd, ['rev-parse', '--show-toplevel']))?.trim() || undefined;
}

export async function folderSource(folder: string): Promise<FolderSource> {
  const top = await repositoryTop(folder);
  if (!top) return { path: folder, dirty: false };
  const relative = path.relative(top, folder).split(path.sep).join('/') || '.';
  const [treeOut, status, headOut] = await Promise.all([
    git(top, ['rev-parse', `HEAD:${relative === '.' ? '' : relative}`]),
    // Untracked files count: a new source file in the build context changes the image.
    git(top, ['status', '--porcelain', '--untracked-files=normal', '--', relative]),
    git(top, ['rev-parse', 'HEAD']),
  ]);
  const tree = treeOut?.trim();
  const head = headOut?.trim();
  return {
    path: relative,
    ...(tree ? { tree } : {}),
    dirty: Boolean(status?.trim()),
    ...(head ? { head } : {}),
    repository: top,
  };
}

export async function workTreeDirty(cwd: string): Promise<boolean | undefined> {
  const status = await git(cwd, ['status', '--porcelain', '--untracked-files=no']);
  return status === undefined ? undefined : status.trim().length > 0;
}

/**
 * The commits from `from` (exclusive) to `to`, newest first, with the files each touched; undefined
 * when git cannot say (a shallow clone without `from`, another repository).
 */
export async function commitsBetween(
  cwd: string,
  from: string,
  to: string,
  limit = 200,
): Promise<Commit[] | undefined> {
  if (from === to) return [];
  const out = await git(cwd, ['log', `--max-count=${limit}`, '--format=%x1e%H%x1f%s', '--name-only', `${from}..${to}`]);
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
