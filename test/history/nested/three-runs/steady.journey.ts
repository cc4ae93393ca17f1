import { test } from '@playwright/test';
import { annotateJourneyId } from '../journey-id-annotation.ts';

test('always passes', async ({}, testInfo) => {
  annotateJourneyId(testInfo);
});
