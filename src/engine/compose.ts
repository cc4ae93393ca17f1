import path from 'node:path';

/**
 * Which Compose project a command is about, in `docker compose`'s own words: users pass the same
 * -f / -p / --profile / --env-file they would pass to Compose.
 */
export interface ComposeTarget {
  readonly projectName: string;
  /** Absolute paths, in order: base first, overrides after. */
  readonly files: readonly string[];
  readonly profiles: readonly string[];
  readonly envFiles: readonly string[];
  /** Extra files we add (our labels); not part of what the user wrote. */
  readonly internalFiles?: readonly string[];
}

export function composeGlobalArgs(target: ComposeTarget, { withInternal = true } = {}): string[] {
  const files = withInternal ? [...target.files, ...(target.internalFiles ?? [])] : target.files;
  return [
    'compose',
    '-p',
    target.projectName,
    ...files.flatMap((file) => ['-f', file]),
    ...target.profiles.flatMap((profile) => ['--profile', profile]),
    ...target.envFiles.flatMap((file) => ['--env-file', file]),
  ];
}

export function projectDirectory(target: ComposeTarget): string {
  return path.dirname(target.files[0] ?? process.cwd());
}

/** The command a user can paste to look at a kept stack (no internal files: they may be gone by then). */
export function composeCommandLine(target: ComposeTarget, args: string): string {
  const quoted = composeGlobalArgs(target, { withInternal: false }).map((part) =>
    /^[\w@%+=:,./-]+$/.test(part) ? part : `'${part.replace(/'/g, `'\\''`)}'`,
  );
  return `docker ${quoted.join(' ')} ${args}`;
}
