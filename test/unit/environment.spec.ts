// What the text of each JOURNEYS_* variable means (src/run/environment.ts). Which variables there are,
// and that the docs and `journeys --help` agree with the list: docs.spec.ts.
import { expect, test } from '@playwright/test';
import { outsideTheRun, readVariable } from '../../src/run/environment.ts';

test('unset and empty are the same: no value', () => {
  expect(readVariable('project', {})).toBeUndefined();
  expect(readVariable('project', { JOURNEYS_PROJECT: '' })).toBeUndefined();
  expect(readVariable('stateDir', { JOURNEYS_STATE_DIR: '' })).toBeUndefined();
  expect(readVariable('project', { JOURNEYS_PROJECT: 'journeys-shop' })).toBe('journeys-shop');
});

test('the history variables keep their lenient reading: the reporter must not fail a run over them', () => {
  expect(readVariable('historyRecord', { JOURNEYS_HISTORY_RECORD: '0' })).toBe(false);
  expect(readVariable('historyRecord', { JOURNEYS_HISTORY_RECORD: 'no' })).toBe(true);
  expect(readVariable('historyBusyTimeoutMs', { JOURNEYS_HISTORY_BUSY_TIMEOUT_MS: '2500' })).toBe(2500);
  expect(readVariable('historyBusyTimeoutMs', { JOURNEYS_HISTORY_BUSY_TIMEOUT_MS: 'soon' })).toBeUndefined();
  expect(readVariable('historyQuarantine', { JOURNEYS_HISTORY_QUARANTINE: '{"window":3}' })).toEqual({ window: 3 });
  // Not JSON: the reporter reports this message, the workers take the default policy.
  expect(() => readVariable('historyQuarantine', { JOURNEYS_HISTORY_QUARANTINE: '{window:3}' })).toThrow(
    /^JOURNEYS_HISTORY_QUARANTINE is not JSON: /,
  );
});

test("the runner's hand-over: owner start time only as digits, the reuse answer as 1", () => {
  expect(readVariable('ownerPid', { JOURNEYS_OWNER_PID: '4242' })).toBe(4242);
  expect(readVariable('ownerStarted', { JOURNEYS_OWNER_STARTED: '123' })).toBe(123);
  expect(readVariable('ownerStarted', { JOURNEYS_OWNER_STARTED: 'later' })).toBeUndefined();
  expect(readVariable('reusedAtConfig', { JOURNEYS_REUSED_AT_CONFIG: '1' })).toBe(true);
  expect(readVariable('reusedAtConfig', { JOURNEYS_REUSED_AT_CONFIG: '0' })).toBe(false);
  expect(readVariable('stackOptions', { JOURNEYS_STACK_OPTIONS: '{"files":["a.yml"]}' })).toEqual({ files: ['a.yml'] });
});

test("the watchdog's environment: not part of the run, and told where the state is", () => {
  const env = outsideTheRun('/tmp/state', { PATH: '/bin', JOURNEYS_RUN: 'host/1/boot/ns/2/3', JOURNEYS_PROJECT: 'p' });
  expect(env).toEqual({ PATH: '/bin', JOURNEYS_PROJECT: 'p', JOURNEYS_STATE_DIR: '/tmp/state' });
});
