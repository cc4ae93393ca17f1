import type { TestInfo } from '@playwright/test';
import { SHAPES_ATTACHMENT } from '../../../../src/history/annotations.ts';
import { baselineShapes } from '../../../../src/history/drift/baseline-shapes.ts';
import { driftOf } from '../../../../src/history/drift/drift-annotations.ts';
import type { Shape } from '../../../../src/history/drift/shape.ts';
import { journeyIdOf } from '../../../../src/history/journey-id.ts';
import { HistoryDatabaseError } from '../../../../src/history/store/history-database-error.ts';
import { openHistoryStore } from '../../../../src/history/store/open-history-store.ts';

/**
 * What the worker fixtures will do around a journey (the taps and `api` record shapes): read the
 * baseline at test start, annotate drift and attach the shapes seen at the end.
 */
export async function baselineFor(testInfo: TestInfo): Promise<Record<string, Shape>> {
  try {
    const store = await openHistoryStore({ access: 'read' });
    try {
      return await baselineShapes(store, journeyIdOf(testInfo));
    } finally {
      await store.close();
    }
  } catch (error) {
    if (error instanceof HistoryDatabaseError && error.problem === 'not-found') return {}; // the first run
    throw error;
  }
}

export async function reportShapes(testInfo: TestInfo, baseline: Record<string, Shape>, seen: Record<string, Shape>): Promise<void> {
  for (const drift of driftOf(baseline, seen)) testInfo.annotations.push({ type: 'drift', description: drift.description });
  await testInfo.attach(SHAPES_ATTACHMENT, { body: JSON.stringify(seen), contentType: 'application/json' });
}
