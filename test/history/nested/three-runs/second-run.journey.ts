import { expect, test } from '@playwright/test';
import { annotateJourneyId } from '../journey-id-annotation.ts';

test.describe('orders', () => {
  test('fails on the second run only', async ({}, testInfo) => {
    annotateJourneyId(testInfo);
    testInfo.annotations.push({ type: 'correlation-id', description: `cid-run${process.env.HISTORY_RUN}` });
    if (process.env.HISTORY_RUN === '2') {
      // What fixtures/evidence.ts writes after a product failure.
      testInfo.annotations.push(
        { type: 'failure-category', description: 'PRODUCT' },
        { type: 'failure-reason', description: 'order total was -5' },
        { type: 'failure-service', description: 'orders, payments' },
      );
      expect(-5, 'order total').toBeGreaterThan(0);
    }
  });
});
