import { test } from '@playwright/test';
import { annotateJourneyId } from '../journey-id-annotation.ts';

test('flaky: fails first, passes on retry', async ({}, testInfo) => {
  annotateJourneyId(testInfo);
  if (testInfo.retry === 0) {
    testInfo.annotations.push(
      { type: 'failure-category', description: 'INFRA' },
      { type: 'failure-reason', description: 'kafka: restart' },
      { type: 'failure-service', description: 'kafka' },
    );
    throw new Error('the consumer lost its partition');
  }
});
