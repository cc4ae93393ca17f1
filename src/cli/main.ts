import { parseArgs } from 'node:util';
import { exitCodeFor, JourneysError } from '../errors.ts';
import type { Command, CommandContext } from './context.ts';
import { COMMAND_NAMES, type CommandName, HELP } from './help.ts';

/** Options shared by every command; stack selection mirrors `docker compose`. */
const OPTIONS = {
  file: { type: 'string', short: 'f', multiple: true },
  'project-name': { type: 'string', short: 'p' },
  profile: { type: 'string', multiple: true },
  'env-file': { type: 'string', multiple: true },
  'wait-timeout': { type: 'string' },
  'keep-on-failure': { type: 'boolean' },
  offline: { type: 'boolean' },
  online: { type: 'boolean' },
  'base-images': { type: 'boolean' },
  all: { type: 'boolean' },
  'other-owners': { type: 'boolean' },
  tail: { type: 'string' },
  follow: { type: 'boolean' },
  json: { type: 'boolean' },
  last: { type: 'string' },
  html: { type: 'string' },
  url: { type: 'string' },
  config: { type: 'string', short: 'c' },
  reports: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Each command is loaded only when run: `journeys --help` or `down` never load what `up` needs. */
const COMMANDS: Record<CommandName, () => Promise<{ run: Command }>> = {
  init: () => import('./commands/init.ts'),
  doctor: () => import('./commands/doctor.ts'),
  provision: () => import('./commands/provision.ts'),
  up: () => import('./commands/up.ts'),
  down: () => import('./commands/down.ts'),
  status: () => import('./commands/status.ts'),
  logs: () => import('./commands/logs.ts'),
  lint: () => import('./commands/lint.ts'),
  reap: () => import('./commands/reap.ts'),
  history: () => import('./commands/history.ts'),
  nightly: () => import('./commands/nightly.ts'),
};

const isCommand = (name: string): name is CommandName => (COMMAND_NAMES as readonly string[]).includes(name);

async function main(argv: string[]): Promise<number> {
  let parsed: ReturnType<
    typeof parseArgs<{ args: string[]; options: typeof OPTIONS; allowPositionals: true; strict: true }>
  >;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    process.stderr.write(`journeys: ${(error as Error).message}\nRun \`journeys --help\` for usage.\n`);
    return exitCodeFor('USAGE');
  }
  const [name, ...rest] = parsed.positionals;
  if (!name || parsed.values.help) {
    process.stdout.write(HELP(name));
    return name && !isCommand(name) ? exitCodeFor('USAGE') : 0;
  }
  if (!isCommand(name)) {
    process.stderr.write(`journeys: unknown command "${name}". Commands: ${COMMAND_NAMES.join(', ')}.\n`);
    return exitCodeFor('USAGE');
  }
  const context: CommandContext = {
    values: parsed.values,
    args: rest,
    log: (line) => process.stderr.write(`[journeys] ${line}\n`),
    out: (line) => process.stdout.write(`${line}\n`),
  };
  try {
    const { run } = await COMMANDS[name]();
    return await run(context);
  } catch (error) {
    if (error instanceof JourneysError) {
      process.stderr.write(`\n${error.describe()}\n`);
      return exitCodeFor(error.category);
    }
    // A docker command the engine refused says all there is to say (the command and its stderr):
    // no stack trace. Named, not imported: every command, --help too, would load the engine for it.
    if ((error as Error).name === 'EngineCommandError') {
      process.stderr.write(`\njourneys: ${(error as Error).message}\n`);
      return 1;
    }
    throw error;
  }
}

process.exitCode = await main(process.argv.slice(2));
