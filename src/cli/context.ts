import path from 'node:path';
import { JourneysError } from '../errors.ts';
import { readDefaultStack, readPackageSettings } from '../stack/package-settings.ts';
import { stableProjectName, type StackOptions } from '../stack/stack-definition.ts';

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
    tail?: string;
    follow?: boolean;
    json?: boolean;
    last?: string;
    html?: string;
    url?: string;
  };
  args: string[];
  /** Progress and diagnostics (stderr, `[journeys] ` prefixed). */
  log: (line: string) => void;
  /** Results (stdout). */
  out: (line: string) => void;
}

/** A command module's one export: runs it and gives the exit code. */
export type Command = (context: CommandContext) => Promise<number>;

/** -f/-p/--profile/--env-file, or package.json's default stack; a stable project name for the CLI. */
export function stackOptions({ values, log }: CommandContext): StackOptions & { waitTimeoutSeconds?: number } {
  const fromPackage = values.file ? undefined : readDefaultStack();
  const files = values.file ?? fromPackage!.files;
  return {
    files,
    projectName: values['project-name'] ?? stableProjectName(path.resolve(files[0]!)),
    profiles: values.profile ?? fromPackage?.profiles,
    envFiles: values['env-file'] ?? fromPackage?.envFiles,
    offline: values.offline ? true : values.online ? false : 'auto',
    services: fromPackage?.services ?? readPackageSettings().services,
    waitTimeoutSeconds: values['wait-timeout'] ? parseSeconds(values['wait-timeout']) : fromPackage?.waitTimeoutSeconds,
    log,
  };
}

function parseSeconds(text: string): number {
  const seconds = Number(text);
  if (!Number.isInteger(seconds) || seconds <= 0) throw new JourneysError('USAGE', `--wait-timeout must be a whole number of seconds, got "${text}".`);
  return seconds;
}
