import type { TestInfo } from '@playwright/test';
import { HISTORY_ANNOTATIONS } from '../annotations.ts';
import { readFingerprint } from '../fingerprint/fingerprint-file.ts';
import { journeyIdOf } from '../journey-id.ts';
import { openHistoryStore } from '../store/open-history-store.ts';
import { journeySuspects } from './journey-suspects.ts';
import { THIS_RUN } from './rank-suspects.ts';

/** The first few are what a reader acts on; the rest would bury them. */
const MAX_SUSPECTS = 5;

/**
 * For a failed journey, in its worker: a `suspect` annotation per thing that changed since its last
 * passing run, most likely first, so the HTML report says it next to the failure. Without a history
 * (none yet, a database that cannot be read) there is nothing to compare: no annotation, no error
 * (the history reporter warns about the database once, in the runner).
 */
export async function annotateSuspects(
  testInfo: TestInfo,
  options: { projectName: string; journeyServices: readonly string[] },
): Promise<string[]> {
  let store: Awaited<ReturnType<typeof openHistoryStore>>;
  try {
    store = await openHistoryStore({ access: 'read' });
  } catch {
    return [];
  }
  try {
    const fingerprint = readFingerprint(options.projectName);
    const suspects = await journeySuspects(store, {
      journeyId: journeyIdOf(testInfo),
      current: { runId: THIS_RUN, startedAt: new Date().toISOString(), ...(fingerprint ? { fingerprint } : {}) },
      journeyServices: options.journeyServices,
      drift: testInfo.annotations
        .filter((annotation) => annotation.type === HISTORY_ANNOTATIONS.drift)
        .map((annotation) => annotation.description ?? ''),
      cwd: testInfo.config.rootDir,
    });
    const texts = suspects.slice(0, MAX_SUSPECTS).map((suspect) => suspect.text);
    for (const text of texts) testInfo.annotations.push({ type: HISTORY_ANNOTATIONS.suspect, description: text });
    return texts;
  } catch (error) {
    const text = `could not compare with the run history: ${(error as Error).message}`;
    testInfo.annotations.push({ type: HISTORY_ANNOTATIONS.suspect, description: text });
    return [text];
  } finally {
    await store.close().catch(() => undefined);
  }
}
