import { test } from '@playwright/test';

/** WOBBLY=flaky: fails its first attempt; fail: every attempt; pass: passes. */
test('wobbly checkout', async ({}, testInfo) => {
  const mode = process.env.WOBBLY ?? 'pass';
  if (mode === 'fail' || (mode === 'flaky' && testInfo.retry === 0)) {
    testInfo.annotations.push({ type: 'failure-category', description: 'INFRA' }, { type: 'failure-service', description: 'payments' });
    throw new Error(`payments timed out (${mode})`);
  }
});
