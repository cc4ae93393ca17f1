import type { TestInfo } from '@playwright/test';
import { journeyIdOf } from 'compose-journeys/history';

/** What a worker fixture computes: the tests check the reporter stored the same id. */
export function annotateJourneyId(testInfo: TestInfo): void {
  testInfo.annotations.push({ type: 'journey-id', description: journeyIdOf(testInfo) });
}
