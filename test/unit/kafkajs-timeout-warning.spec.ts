// kafkajs's negative setTimeout (tulios/kafkajs#1751) printed a TimeoutNegativeWarning into every run on
// Node 24. Node warns once per process, so each case runs in a process of its own: without the filter
// kafkajs's warning prints, with it it does not, and another negative timeout still does.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect, test } from '@playwright/test';
import { REPO } from '../support/cli.ts';

const FILTER = pathToFileURL(path.join(REPO, 'src/messages/kafka/timeout-warning.ts')).href;
// kafkajs's own scheduling, with a throttle that ended long ago: its setTimeout gets a negative delay.
const KAFKAJS = `
  const RequestQueue = require('kafkajs/src/network/requestQueue');
  const queue = Object.assign(Object.create(RequestQueue.prototype), {
    throttledUntil: 0, pending: [], throttleCheckTimeoutId: null, checkPendingRequests() {},
  });
  queue.scheduleCheckPendingRequests();
  clearTimeout(queue.throttleCheckTimeoutId);`;
const OURS = 'clearTimeout(setTimeout(() => {}, -5));';

function stderrOf(withFilter: boolean, code: string): string {
  const script = `const { createRequire } = await import('node:module');
    const require = createRequire(${JSON.stringify(`${REPO}/`)});
    ${withFilter ? `(await import(${JSON.stringify(FILTER)})).dropKafkajsTimeoutWarning();` : ''}
    ${code}`;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: REPO, encoding: 'utf8' });
  expect(run.status, run.stderr).toBe(0);
  return run.stderr;
}

test("kafkajs's negative timeout warns without the filter, not with it; another negative timeout still warns", () => {
  const without = stderrOf(false, KAFKAJS);
  test.skip(!without.includes('TimeoutNegativeWarning'), `Node ${process.version} emits no TimeoutNegativeWarning`);
  expect(without).toMatch(/TimeoutNegativeWarning: -\d+ is a negative number\./);
  expect(stderrOf(true, KAFKAJS)).not.toContain('TimeoutNegativeWarning');
  expect(stderrOf(true, OURS)).toContain('TimeoutNegativeWarning: -5 is a negative number.');
});
