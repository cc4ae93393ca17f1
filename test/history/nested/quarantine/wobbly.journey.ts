import { test } from '@playwright/test';
import { openWorkerHistory } from 'compose-journeys/history';

/** WOBBLY=flaky: fails its first attempt; fail: every attempt; pass: passes. */
test('wobbly checkout', async ({}, testInfo) => {
  // What the worker fixture will do: the quarantine annotation the HTML report shows.
  const history = await openWorkerHistory();
  await history.beginJourney(testInfo);
  await history.close();
  const mode = process.env.WOBBLY ?? 'pass';
  if (mode === 'fail' || (mode === 'flaky' && testInfo.retry === 0)) {
    testInfo.annotations.push(
      { type: 'failure-category', description: 'INFRA' },
      { type: 'failure-service', description: 'payments' },
    );
    throw new Error(`payments timed out (${mode})`);
  }
});
