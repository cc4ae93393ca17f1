import { readFileSync } from 'node:fs';
import path from 'node:path';
import { JourneysError } from '../errors.ts';
import { stableProjectName } from '../run/run-identity.ts';
import type { RunMode } from '../run/run-mode.ts';
import type { StackOptions } from '../stack/stack-definition.ts';

/** What every command gets: parsed options, positionals, and where to write. */
export interface CommandContext {
  values: {
    file?: string[];
    'project-name'?: string;
    profile?: string[];
    'env-file'?: string[];
    'wait-timeout'?: string;
    'keep-on-failure'?: boolean;
    offline?: boolean;
    online?: boolean;
    'base-images'?: boolean;
    all?: boolean;
    'other-owners'?: boolean;
    tail?: string;
    follow?: boolean;
    json?: boolean;
    last?: string;
    html?: string;
    url?: string;
    config?: string;
    reports?: string;
  };
  args: string[];
  /** Progress and diagnostics (stderr, `[journeys] ` prefixed). */
  log: (line: string) => void;
  /** Results (stdout). */
  out: (line: string) => void;
}

/** A command module's one export: runs it and gives the exit code. */
export type Command = (context: CommandContext) => Promise<number>;

/** The project a command is about, without resolving anything: -p, or the stable name of the first file. */
export async function projectNameOf(context: CommandContext): Promise<string> {
  const { values } = context;
  if (values['project-name']) return values['project-name'];
  if (values.file?.[0]) return stableProjectName(path.resolve(values.file[0]));
  // The usual case needs one JSON read; the validating reader (and zod) only when that fails.
  try {
    const first = (JSON.parse(readFileSync('package.json', 'utf8')) as { journeys?: { stack?: { files?: unknown[] } } })
      .journeys?.stack?.files?.[0];
    if (typeof first === 'string') return stableProjectName(path.resolve(first));
  } catch {}
  return (await stackOptions(context)).projectName!;
}

/** The command's run mode, decided once: its flags, else the environment. */
export async function runModeOf({ values }: CommandContext): Promise<RunMode> {
  const { runMode } = await import('../run/run-mode.ts');
  return runMode({
    offline: values.offline ? true : values.online ? false : 'auto',
    // `journeys up` keeps a failed start on its flag only: JOURNEYS_KEEP_ON_FAILURE is the Playwright run's.
    keepOnFailure: values['keep-on-failure'] ?? false,
  });
}

/** -f/-p/--profile/--env-file, or package.json's default stack; a stable project name for the CLI. */
export async function stackOptions({
  values,
  log,
}: CommandContext): Promise<Omit<StackOptions, 'offline'> & { waitTimeoutSeconds?: number }> {
  const { readDefaultStack, readPackageSettings } = await import('../stack/package-settings.ts');
  const fromPackage = values.file ? undefined : readDefaultStack();
  const files = values.file ?? fromPackage!.files;
  return {
    files,
    projectName: values['project-name'] ?? stableProjectName(path.resolve(files[0]!)),
    profiles: values.profile ?? fromPackage?.profiles,
    envFiles: values['env-file'] ?? fromPackage?.envFiles,
    services: fromPackage?.services ?? readPackageSettings().services,
    waitTimeoutSeconds: values['wait-timeout'] ? parseSeconds(values['wait-timeout']) : fromPackage?.waitTimeoutSeconds,
    log,
  };
}

function parseSeconds(text: string): number {
  const seconds = Number(text);
  if (!Number.isInteger(seconds) || seconds <= 0)
    throw new JourneysError('USAGE', `--wait-timeout must be a whole number of seconds, got "${text}".`);
  return seconds;
}
