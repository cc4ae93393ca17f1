import type { TestInfo } from '@playwright/test';
import { journeyIdOf } from '../../../src/history/journey-id.ts';

/** What a worker fixture computes: the tests check the reporter stored the same id. */
export function annotateJourneyId(testInfo: TestInfo): void {
  testInfo.annotations.push({ type: 'journey-id', description: journeyIdOf(testInfo) });
}
