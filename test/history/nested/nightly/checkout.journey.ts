import { test } from '@playwright/test';

/** CHECKOUT=fail: the night the product broke checkout (a PRODUCT failure, every attempt). */
test('check out a cart', async ({}, testInfo) => {
  if (process.env.CHECKOUT === 'fail') {
    testInfo.annotations.push(
      { type: 'failure-category', description: 'PRODUCT' },
      { type: 'failure-service', description: 'orders' },
    );
    throw new Error('POST /orders answered 500');
  }
});
