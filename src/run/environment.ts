import { JourneysError } from '../errors.ts';

/**
 * Every `JOURNEYS_*` variable compose-journeys reads or writes, named once: docs/environment.md and
 * `journeys --help` are checked against this list (test/unit/docs.spec.ts), and no other module
 * touches `process.env.JOURNEYS_*`. What a variable decides for a run is decided in run-mode.ts;
 * this module only says what its text means. Imports nothing heavy: `journeys --help` prints from it.
 */
export type Environment = Readonly<Record<string, string | undefined>>;

interface Variable<T> {
  readonly name: `JOURNEYS_${string}`;
  /** `user`: yours to set. `runner`: written by the runner for its workers and child processes, never by you. */
  readonly setBy: 'user' | 'runner';
  /** How a value is written in `journeys --help` (`JOURNEYS_KEEP=1`); user variables only. */
  readonly value?: string;
  /** One line for `journeys --help`; docs/environment.md says it at length. */
  readonly meaning: string;
  /** The value of its text (never empty: empty is unset); throws, naming the variable, on a wrong one. */
  readonly parse: (text: string, name: string) => T;
}

const variable = <T>(definition: Variable<T>): Variable<T> => definition;

/** A switch: these words on, those off. Anything else is a mistake worth stopping for, not a silent default. */
function onOff(on: readonly string[], off: readonly string[]): (text: string, name: string) => boolean {
  return (text, name) => {
    if (on.includes(text)) return true;
    if (off.includes(text)) return false;
    throw new JourneysError(
      'USAGE',
      `${name}="${text}" is not one of its values (${[...on, ...off].join(', ')}). Fix: set ${name} to one of them, or unset it; docs/environment.md says what each means.`,
    );
  };
}

const SWITCH = onOff(['1'], ['0']);
const text = (value: string) => value;

export const VARIABLES = {
  reuse: variable({
    name: 'JOURNEYS_REUSE',
    setBy: 'user',
    value: '1',
    meaning: 'reuse a running stack whose config is unchanged; it is kept for the next run',
    parse: SWITCH,
  }),
  keep: variable({
    name: 'JOURNEYS_KEEP',
    setBy: 'user',
    value: '1',
    meaning: 'keep the stack after the run (also one that failed to start)',
    parse: SWITCH,
  }),
  keepOnFailure: variable({
    name: 'JOURNEYS_KEEP_ON_FAILURE',
    setBy: 'user',
    value: '1',
    meaning: 'keep the stack only when it failed to start or a journey failed',
    parse: SWITCH,
  }),
  offline: variable({
    name: 'JOURNEYS_OFFLINE',
    setBy: 'user',
    value: '1/0',
    meaning: 'force the offline override on or off (default: on when no registry answers)',
    parse: onOff(['1', 'true'], ['0', 'false']),
  }),
  limits: variable({
    name: 'JOURNEYS_LIMITS',
    setBy: 'user',
    value: '1/0',
    meaning: 'apply the CI limits override, or not (default: when CI is set)',
    parse: onOff(['1', 'true', 'ci'], ['0', 'false']),
  }),
  project: variable({
    name: 'JOURNEYS_PROJECT',
    setBy: 'user',
    value: 'NAME',
    meaning: 'the Compose project of a Playwright run (default: a new one per run)',
    parse: text,
  }),
  stateDir: variable({
    name: 'JOURNEYS_STATE_DIR',
    setBy: 'user',
    value: 'DIR',
    meaning: 'where state outside the repo is kept (default: $TMPDIR/compose-journeys)',
    parse: text,
  }),
  historyUrl: variable({
    name: 'JOURNEYS_HISTORY_URL',
    setBy: 'user',
    value: 'URL',
    meaning: 'the run history: postgres://… or a SQLite file (default: reports/history.sqlite)',
    parse: text,
  }),
  historyRecord: variable({
    name: 'JOURNEYS_HISTORY_RECORD',
    setBy: 'user',
    value: '0',
    meaning: 'read the run history (quarantine) but record nothing',
    // The reporter must not fail a run over it: only `0` turns recording off, as it always has.
    parse: (value) => value !== '0',
  }),
  historyQuarantine: variable({
    name: 'JOURNEYS_HISTORY_QUARANTINE',
    setBy: 'user',
    value: 'JSON',
    meaning: 'the quarantine policy, e.g. {"window":10,"flakeRate":0.2,"releaseAfter":5}',
    parse: (value, name): unknown => {
      try {
        return JSON.parse(value);
      } catch (error) {
        throw new Error(`${name} is not JSON: ${(error as Error).message}`);
      }
    },
  }),
  historyBusyTimeoutMs: variable({
    name: 'JOURNEYS_HISTORY_BUSY_TIMEOUT_MS',
    setBy: 'user',
    value: 'MS',
    meaning: 'SQLite: how long a write waits for another writer (default 10000)',
    // Not a positive number: the default, as it always has been.
    parse: (value) => {
      const ms = Number(value);
      return Number.isFinite(ms) && ms > 0 ? ms : undefined;
    },
  }),
  historySummaryFile: variable({
    name: 'JOURNEYS_HISTORY_SUMMARY_FILE',
    setBy: 'user',
    value: 'FILE',
    meaning: 'where the history reporter writes its run summary (default: beside the HTML report)',
    parse: text,
  }),
  historyStackInfo: variable({
    name: 'JOURNEYS_HISTORY_STACK_INFO',
    setBy: 'user',
    value: 'FILE',
    meaning: "a JSON file saying what stack the run ran on (default: the project's containers)",
    parse: text,
  }),
  ownerPid: variable({
    name: 'JOURNEYS_OWNER_PID',
    setBy: 'runner',
    meaning: 'the pid of the process that owns the run',
    parse: Number,
  }),
  ownerStarted: variable({
    name: 'JOURNEYS_OWNER_STARTED',
    setBy: 'runner',
    meaning: "that process's start time (clock ticks since boot)",
    parse: (value) => (/^\d+$/.test(value) ? Number(value) : undefined),
  }),
  run: variable({
    name: 'JOURNEYS_RUN',
    setBy: 'runner',
    meaning: "the run's identity: the marker by which a watchdog finds a dead run's processes",
    parse: text,
  }),
  stackOptions: variable({
    name: 'JOURNEYS_STACK_OPTIONS',
    setBy: 'runner',
    meaning: 'the stack and run mode as stackProjects() decided them (JSON)',
    parse: (value): unknown => JSON.parse(value),
  }),
  reusedAtConfig: variable({
    name: 'JOURNEYS_REUSED_AT_CONFIG',
    setBy: 'runner',
    meaning: 'whether the runner found the stack reusable as it runs while loading the config',
    parse: (value) => value === '1',
  }),
} as const;

type VariableKey = keyof typeof VARIABLES;
type ValueOf<K extends VariableKey> = (typeof VARIABLES)[K] extends Variable<infer T> ? T : never;

/** A variable's value; undefined when it is unset or empty. */
export function readVariable<K extends VariableKey>(key: K, env: Environment = process.env): ValueOf<K> | undefined {
  const { name, parse } = VARIABLES[key] as Variable<ValueOf<K>>;
  const value = env[name];
  return value ? parse(value, name) : undefined;
}

/** Whether this is a CI run (`CI` set, and not to `false` or `0`): not ours, but it decides the limits. */
export function inCi(env: Environment = process.env): boolean {
  return Boolean(env.CI) && env.CI !== 'false' && env.CI !== '0';
}

// What the runner hands its workers and child processes, which inherit the environment.

/** The stack and run mode as the runner decided them. Workers load the config too: the runner's stands. */
export function handOverStackOptions(json: string): void {
  process.env[VARIABLES.stackOptions.name] ??= json;
}

/** The runner's answer to the reuse check at config load, so that workers build the same projects. */
export function handOverReusedAtConfig(reused: boolean): void {
  process.env[VARIABLES.reusedAtConfig.name] = reused ? '1' : '0';
}

export function handOverProject(projectName: string): void {
  process.env[VARIABLES.project.name] = projectName;
}

/** This process owns the run: its pid, and no start time left by an earlier owner. */
export function handOverOwnerPid(pid: number): void {
  process.env[VARIABLES.ownerPid.name] = String(pid);
  delete process.env[VARIABLES.ownerStarted.name];
}

/** The owner's start time and run key, unless an outer process handed them over already. */
export function handOverOwner(started: number, runKey: string): void {
  process.env[VARIABLES.ownerStarted.name] ??= String(started);
  process.env[VARIABLES.run.name] ??= runKey;
}

/**
 * The environment of a process that is not part of the run (the watchdog): without the run's
 * marker, so that it never finds itself among the run's processes, and with the state directory
 * it must look in.
 */
export function outsideTheRun(stateDir: string, env: Environment = process.env): Record<string, string | undefined> {
  const { [VARIABLES.run.name]: _marker, ...rest } = env;
  return { ...rest, [VARIABLES.stateDir.name]: stateDir };
}

/** The run history as `journeys nightly` hands it to the Playwright processes it starts. */
export function historyHandOver(history: {
  url?: string;
  record: boolean;
  summaryFile: string;
}): Record<string, string> {
  return {
    ...(history.url ? { [VARIABLES.historyUrl.name]: history.url } : {}),
    [VARIABLES.historyRecord.name]: history.record ? '1' : '0',
    [VARIABLES.historySummaryFile.name]: history.summaryFile,
  };
}
