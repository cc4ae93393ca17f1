import type { TestInfo } from '@playwright/test';
import { openWorkerHistory, type Shape } from 'compose-journeys/history';

/**
 * What the worker fixtures will do around a journey (the taps and `api` record shapes): the
 * baseline at test start, drift annotations and the shapes attachment at the end.
 */
export async function aroundJourney(testInfo: TestInfo, seen: () => Record<string, Shape>): Promise<void> {
  const history = await openWorkerHistory();
  try {
    const { baseline } = await history.beginJourney(testInfo);
    await history.endJourney(testInfo, baseline, seen());
  } finally {
    await history.close();
  }
}
