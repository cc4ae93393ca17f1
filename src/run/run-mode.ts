// No zod here: every CLI command builds a mode, and loading zod costs more than a whole `journeys down`.
import { type Environment, inCi, readVariable, VARIABLES } from './environment.ts';

/**
 * How a run treats its stack, decided once where the run starts: by stackProjects() in the
 * Playwright runner (the setup and teardown workers get it with the stack options), by the CLI
 * command, or by defineStack()/startStack() called as a library. Everything after asks the mode,
 * not the environment, so a flag and a variable can never be weighed differently in two places.
 */
export interface RunMode {
  /** Reuse a running stack whose resolved config is unchanged, under the stable project name; it is kept for the next run. */
  readonly reuse: boolean;
  /** Keep the stack after the run whatever happens, also one that failed to start. */
  readonly keep: boolean;
  /** Keep the stack when it failed to start or a journey failed. */
  readonly keepOnFailure: boolean;
  /** The offline override forced on or off, or `auto`: on when no image registry answers. */
  readonly offline: boolean | 'auto';
  /**
   * The CI limits override: `asked` for (by the option or JOURNEYS_LIMITS, so a stack without one
   * is told so), applied because this is `ci`, or `off`.
   */
  readonly limits: 'asked' | 'ci' | 'off';
  /** This Playwright shard (`--shard 2/4` → `2of4`): part of a fresh project's name. */
  readonly shard?: string;
}

/** What the caller decided (a CLI flag, a library option): it wins over the environment. */
export interface RunModeOptions {
  reuse?: boolean;
  keep?: boolean;
  keepOnFailure?: boolean;
  /** `auto` is no decision: the environment may still force it. */
  offline?: boolean | 'auto';
  limits?: boolean;
  /** The runner's command line (default: this process's), for `--shard`. */
  argv?: readonly string[];
}

/** The options, else the environment, else the defaults. A variable with a wrong value throws, naming it. */
export function runMode(options: RunModeOptions = {}, env: Environment = process.env): RunMode {
  return {
    reuse: options.reuse ?? readVariable('reuse', env) ?? false,
    keep: options.keep ?? readVariable('keep', env) ?? false,
    keepOnFailure: options.keepOnFailure ?? readVariable('keepOnFailure', env) ?? false,
    offline: typeof options.offline === 'boolean' ? options.offline : (readVariable('offline', env) ?? 'auto'),
    limits: limitsOf(options.limits, env),
    shard: shardOf(options.argv ?? process.argv),
  };
}

function limitsOf(option: boolean | undefined, env: Environment): RunMode['limits'] {
  const asked = option ?? readVariable('limits', env);
  if (asked !== undefined) return asked ? 'asked' : 'off';
  return inCi(env) ? 'ci' : 'off';
}

/** Why a stack is kept, as the log, the report's `kept-stack.txt` and the `kept` state file say it. */
export const KEEP_REASONS: Readonly<Record<'keep' | 'reuse' | 'journeyFailed', string>> = {
  keep: `${VARIABLES.keep.name}=1`,
  reuse: `${VARIABLES.reuse.name}=1`,
  journeyFailed: `a journey failed (${VARIABLES.keepOnFailure.name}=1)`,
};

/** Why the stack outlives the run whatever happens, or undefined. Then there is no teardown step. */
export function keptWhateverHappens(mode: Pick<RunMode, 'keep' | 'reuse'>): string | undefined {
  if (mode.keep) return KEEP_REASONS.keep;
  if (mode.reuse) return KEEP_REASONS.reuse;
  return undefined;
}

/** Why the teardown step keeps the stack, or undefined: it removes it. */
export function keptAtTeardown(mode: RunMode, journeyFailed: boolean): string | undefined {
  return keptWhateverHappens(mode) ?? (mode.keepOnFailure && journeyFailed ? KEEP_REASONS.journeyFailed : undefined);
}

/** `--shard=2/3` or `--shard 2/3` → `2of3`. */
export function shardOf(argv: readonly string[]): string | undefined {
  const index = argv.findIndex((arg) => arg === '--shard' || arg.startsWith('--shard='));
  if (index < 0) return undefined;
  const value = argv[index]!.includes('=') ? argv[index]!.split('=')[1] : argv[index + 1];
  return value?.replace('/', 'of');
}
