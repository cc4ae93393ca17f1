// The run mode: from the caller's options (CLI flags, library options) and the environment to what
// a run does with its stack. No Docker, and no process.env: each case passes its own environment.
import { expect, test } from '@playwright/test';
import { runModeOf } from '../../src/cli/context.ts';
import { JourneysError } from '../../src/errors.ts';
import { runModeSchema } from '../../src/playwright/stack-env.ts';
import { keptAtTeardown, keptWhateverHappens, type RunMode, runMode } from '../../src/run/run-mode.ts';

const argv = ['test'];
const mode = (env: Record<string, string>, options: Parameters<typeof runMode>[0] = {}) =>
  runMode({ argv, ...options }, env);

test('nothing set: a fresh stack, removed after the run, offline only when no registry answers, no limits', () => {
  expect(mode({})).toEqual({
    reuse: false,
    keep: false,
    keepOnFailure: false,
    offline: 'auto',
    limits: 'off',
    shard: undefined,
  });
});

test('the switches: 1 turns on, 0 or empty leaves off', () => {
  expect(mode({ JOURNEYS_REUSE: '1' }).reuse).toBe(true);
  expect(mode({ JOURNEYS_KEEP: '1' }).keep).toBe(true);
  expect(mode({ JOURNEYS_KEEP_ON_FAILURE: '1' }).keepOnFailure).toBe(true);
  expect(mode({ JOURNEYS_REUSE: '0', JOURNEYS_KEEP: '', JOURNEYS_KEEP_ON_FAILURE: '0' })).toMatchObject({
    reuse: false,
    keep: false,
    keepOnFailure: false,
  });
});

test('the CI limits: the option, else JOURNEYS_LIMITS, else whether CI is set', () => {
  expect(mode({ CI: 'true' }).limits).toBe('ci');
  expect(mode({ CI: '1' }).limits).toBe('ci');
  expect(mode({ CI: 'false' }).limits).toBe('off');
  expect(mode({ CI: '0' }).limits).toBe('off');
  expect(mode({ CI: 'true', JOURNEYS_LIMITS: '0' }).limits).toBe('off');
  expect(mode({ CI: 'true', JOURNEYS_LIMITS: 'false' }).limits).toBe('off');
  // Asked for (not only CI): a stack that declares no limits override is told so.
  for (const on of ['1', 'true', 'ci']) expect(mode({ JOURNEYS_LIMITS: on }).limits).toBe('asked');
  expect(mode({ CI: 'true' }, { limits: false }).limits).toBe('off');
  expect(mode({}, { limits: true }).limits).toBe('asked');
});

test('offline: the option, else JOURNEYS_OFFLINE, else auto', () => {
  for (const on of ['1', 'true']) expect(mode({ JOURNEYS_OFFLINE: on }).offline).toBe(true);
  for (const off of ['0', 'false']) expect(mode({ JOURNEYS_OFFLINE: off }).offline).toBe(false);
  expect(mode({ JOURNEYS_OFFLINE: '0' }, { offline: true }).offline).toBe(true);
  expect(mode({ JOURNEYS_OFFLINE: '1' }, { offline: false }).offline).toBe(false);
  // `auto` is no decision: the variable still forces it.
  expect(mode({ JOURNEYS_OFFLINE: '1' }, { offline: 'auto' }).offline).toBe(true);
});

test("the caller's option beats the variable, also one with a wrong value it then never reads", () => {
  expect(mode({ JOURNEYS_REUSE: '1' }, { reuse: false }).reuse).toBe(false);
  expect(mode({ JOURNEYS_KEEP: '0' }, { keep: true }).keep).toBe(true);
  expect(mode({ JOURNEYS_KEEP_ON_FAILURE: '1' }, { keepOnFailure: false }).keepOnFailure).toBe(false);
  expect(mode({ JOURNEYS_LIMITS: 'yes' }, { limits: false }).limits).toBe('off');
});

test('a wrong value stops the run, naming the variable, its values and the fix', () => {
  const cases: [Record<string, string>, string][] = [
    [{ JOURNEYS_KEEP: 'yes' }, 'JOURNEYS_KEEP="yes" is not one of its values (1, 0)'],
    [{ JOURNEYS_REUSE: 'true' }, 'JOURNEYS_REUSE="true" is not one of its values (1, 0)'],
    [{ JOURNEYS_KEEP_ON_FAILURE: 'on' }, 'JOURNEYS_KEEP_ON_FAILURE="on"'],
    [{ JOURNEYS_OFFLINE: 'auto' }, 'JOURNEYS_OFFLINE="auto" is not one of its values (1, true, 0, false)'],
    [{ JOURNEYS_LIMITS: '2' }, 'JOURNEYS_LIMITS="2" is not one of its values (1, true, ci, 0, false)'],
  ];
  for (const [env, message] of cases) {
    const error = (() => {
      try {
        mode(env);
      } catch (thrown) {
        return thrown;
      }
    })();
    expect(error, JSON.stringify(env)).toBeInstanceOf(JourneysError);
    expect((error as JourneysError).category).toBe('USAGE');
    expect((error as JourneysError).message).toContain(message);
    expect((error as JourneysError).message).toMatch(/Fix: set \w+ to one of them, or unset it/);
  }
});

test('the shard comes from the runner command line', () => {
  expect(runMode({ argv: ['test', '--shard=2/4'] }, {}).shard).toBe('2of4');
  expect(runMode({ argv: ['test', '--shard', '1/2'] }, {}).shard).toBe('1of2');
});

test('kept whatever happens (no teardown step) with JOURNEYS_KEEP=1 or JOURNEYS_REUSE=1, and said why', () => {
  expect(keptWhateverHappens(mode({}))).toBeUndefined();
  expect(keptWhateverHappens(mode({ JOURNEYS_KEEP: '1' }))).toBe('JOURNEYS_KEEP=1');
  expect(keptWhateverHappens(mode({ JOURNEYS_REUSE: '1' }))).toBe('JOURNEYS_REUSE=1');
  expect(keptWhateverHappens(mode({ JOURNEYS_KEEP: '1', JOURNEYS_REUSE: '1' }))).toBe('JOURNEYS_KEEP=1');
});

test('the teardown keeps a stack a journey failed on only with JOURNEYS_KEEP_ON_FAILURE=1', () => {
  const onFailure = mode({ JOURNEYS_KEEP_ON_FAILURE: '1' });
  expect(keptAtTeardown(onFailure, true)).toBe('a journey failed (JOURNEYS_KEEP_ON_FAILURE=1)');
  expect(keptAtTeardown(onFailure, false)).toBeUndefined();
  expect(keptAtTeardown(mode({}), true)).toBeUndefined();
  expect(keptAtTeardown(mode({ JOURNEYS_REUSE: '1' }), false)).toBe('JOURNEYS_REUSE=1');
});

test('the mode reaches the setup and teardown workers as the runner decided it', () => {
  const decided: RunMode[] = [
    mode({}),
    runMode({ argv: ['test', '--shard=1/3'] }, { JOURNEYS_REUSE: '1', JOURNEYS_OFFLINE: '0', CI: 'true' }),
  ];
  for (const sent of decided) expect(runModeSchema.parse(JSON.parse(JSON.stringify(sent)))).toEqual(sent);
});

test('journeys up, lint, logs: --offline/--online and --keep-on-failure beat the environment', async () => {
  const context = (values: Parameters<typeof runModeOf>[0]['values']) => ({
    values,
    args: [],
    log: () => {},
    out: () => {},
  });
  const saved = { ...process.env };
  try {
    Object.assign(process.env, { JOURNEYS_OFFLINE: '0', JOURNEYS_KEEP_ON_FAILURE: '1', JOURNEYS_REUSE: '1' });
    expect(await runModeOf(context({ offline: true }))).toMatchObject({ offline: true, reuse: true });
    expect((await runModeOf(context({ online: true }))).offline).toBe(false);
    expect((await runModeOf(context({}))).offline).toBe(false);
    // `journeys up` keeps a failed start on its flag only, as it always has.
    expect((await runModeOf(context({}))).keepOnFailure).toBe(false);
    expect((await runModeOf(context({ 'keep-on-failure': true }))).keepOnFailure).toBe(true);
  } finally {
    for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
    Object.assign(process.env, saved);
  }
});
