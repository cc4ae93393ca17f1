import type { TestInfo } from '@playwright/test';
import { readVariable } from '../run/environment.ts';
import { HISTORY_ANNOTATIONS, SHAPES_ATTACHMENT } from './annotations.ts';
import { type ChannelDrift, driftOf } from './drift/drift-annotations.ts';
import type { Shape } from './drift/shape.ts';
import { journeyIdOf } from './journey-id.ts';
import { declaredQuarantine } from './manual-quarantine.ts';
import { type QuarantinePolicy, quarantinePolicySchema, quarantineVerdict } from './quarantine.ts';
import type { HistoryStore } from './store/history-store.ts';
import { openHistoryStore } from './store/open-history-store.ts';

export interface JourneyHistory {
  quarantined: boolean;
  /** Channel key → shape from the journey's last passing run. */
  baseline: Record<string, Shape>;
}

/** What a worker fixture holds: the history, read-only, for the journeys of one worker. */
export interface WorkerHistory {
  /** At test start: annotates `quarantine` (with the reason) on a journey the flake rate quarantined, and returns its drift baseline. */
  beginJourney(testInfo: TestInfo): Promise<JourneyHistory>;
  /** At test end: a `drift` annotation per drifted channel, and the shapes seen as the `journeys-shapes.json` attachment. */
  endJourney(testInfo: TestInfo, baseline: Record<string, Shape>, seen: Record<string, Shape>): Promise<ChannelDrift[]>;
  close(): Promise<void>;
}

/**
 * The history as a worker sees it. A database that cannot be used is a history that knows
 * nothing (no quarantine, no baseline): the reporter, in the runner, warns about it once.
 * Policy: options, else JOURNEYS_HISTORY_QUARANTINE (JSON), else the defaults; keep it equal to
 * the reporter's, or the report's annotation and the run's verdict disagree.
 */
export async function openWorkerHistory(
  options: { url?: string; quarantine?: Partial<QuarantinePolicy> } = {},
): Promise<WorkerHistory> {
  const policy = quarantinePolicySchema.parse(options.quarantine ?? policyFromEnv());
  let store: HistoryStore | undefined;
  try {
    store = await openHistoryStore({ url: options.url, access: 'read' });
  } catch {
    store = undefined;
  }
  return {
    async beginJourney(testInfo) {
      const id = journeyIdOf(testInfo);
      // A valid declaration shows in the report as the user wrote it; one that is not applied
      // (expired, no owner) is the reporter's to name, and the flake rate decides meanwhile.
      const declared = declaredQuarantine(testInfo, new Date()).state === 'active';
      let reason: string | undefined;
      let baseline: Record<string, Shape> = {};
      if (store) {
        try {
          if (!declared) {
            const verdict = await quarantineVerdict(store, id, policy);
            if (verdict.quarantined) reason = verdict.reason;
          }
          baseline = await store.baselineShapes(id);
        } catch {
          // as above: the reporter says what is wrong with the database
        }
      }
      if (reason)
        testInfo.annotations.push({
          type: HISTORY_ANNOTATIONS.quarantine,
          description: `${reason}: its failure does not fail the run`,
        });
      return { quarantined: declared || reason !== undefined, baseline };
    },
    async endJourney(testInfo, baseline, seen) {
      const drift = driftOf(baseline, seen);
      for (const channel of drift)
        testInfo.annotations.push({ type: HISTORY_ANNOTATIONS.drift, description: channel.description });
      if (Object.keys(seen).length > 0)
        await testInfo.attach(SHAPES_ATTACHMENT, { body: JSON.stringify(seen), contentType: 'application/json' });
      return drift;
    },
    async close() {
      await store?.close();
    },
  };
}

/** Not JSON: the defaults (the reporter, in the runner, says what is wrong with it). */
function policyFromEnv(): unknown {
  try {
    return readVariable('historyQuarantine') ?? {};
  } catch {
    return {};
  }
}
