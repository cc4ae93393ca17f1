import { z } from 'zod';
import type { RunCoverage } from '../coverage/coverage-item.ts';
import { formatMs } from '../resources/resource-budgets.ts';
import { formatBytes } from '../util/bytes.ts';
import { formatIncident } from './incident-text.ts';
import {
  type IncidentRef,
  incidentRefSchema,
  journeyStatusSchema,
  runStatusSchema,
  shardSchema,
} from './run-record.ts';

/**
 * What the history reporter says about a run, printed at its end and written as JSON next to the
 * report (`history-summary.json`, per shard `history-summary-2of4.json`) for CI and chat messages.
 */
export const runSummarySchema = z.object({
  runId: z.string(),
  /** The database, or undefined when none could be used (see warnings). */
  database: z.string().optional(),
  recorded: z.boolean(),
  /** JOURNEYS_HISTORY_RECORD=0 or `record: false`: read for quarantine, not recorded on purpose. */
  readOnly: z.boolean(),
  /**
   * How the run ends: Playwright's status, `passed` when every failure was a quarantined journey,
   * or `failed` when a quarantine error (quarantineErrors) failed a run that had passed.
   */
  status: runStatusSchema,
  playwrightStatus: runStatusSchema,
  passedByQuarantine: z.boolean(),
  shard: shardSchema.optional(),
  /** failed: failed or timed out on every attempt; notRun: never started, or interrupted. */
  counts: z.object({
    passed: z.number(),
    flaky: z.number(),
    failed: z.number(),
    skipped: z.number(),
    notRun: z.number(),
  }),
  /** Journeys quarantined in this run and why, once per journey and project; `failed` ones (any copy) did not fail the run. */
  quarantined: z.array(
    z.object({
      journeyId: z.string(),
      project: z.string(),
      reason: z.string(),
      /** Declared in the code (a `quarantine` annotation), rather than by flake rate. */
      tagged: z.boolean(),
      /** The declaration's owner, or `unowned (automatic)` for the flake-rate quarantine. */
      owner: z.string().default('unowned (automatic)'),
      /** The declaration's last day (YYYY-MM-DD). */
      until: z.string().optional(),
      /** Status of a failed copy when one failed, else of the first. */
      status: journeyStatusSchema,
      failed: z.boolean(),
      /** `--repeat-each` copies of it in this run. */
      copies: z.number().int().min(1).default(1),
    }),
  ),
  /** Why the run failed over quarantine: an expired or malformed declaration, more quarantined journeys than quarantine.max. */
  quarantineErrors: z.array(z.string()).default([]),
  /** What this run changes for the next one. */
  nextRun: z.object({
    entering: z.array(z.object({ journeyId: z.string(), reason: z.string() })),
    leaving: z.array(z.object({ journeyId: z.string(), reason: z.string() })),
  }),
  drift: z.array(z.object({ journeyId: z.string(), drift: z.array(z.string()) })),
  /** Per service, the highest memory peak and CPU time of one journey in this run, and which journeys. */
  resources: z
    .array(
      z.object({
        service: z.string(),
        peakMemoryBytes: z.number(),
        peakJourneyId: z.string(),
        cpuMs: z.number(),
        cpuJourneyId: z.string(),
      }),
    )
    .default([]),
  /** Retries that did not run because their journey's failure was one no retry changes (retries by cause). */
  notRetried: z.object({ retries: z.number(), savedMs: z.number() }).default({ retries: 0, savedMs: 0 }),
  /** Per failing journey, what changed since its last passing run, most likely first. */
  suspects: z.array(z.object({ journeyId: z.string(), suspects: z.array(z.string()) })).default([]),
  /** Each incident once, with the journeys that failed in it (they are not counted as flaky). */
  incidents: z.array(incidentRefSchema.extend({ journeys: z.array(z.string()) })).default([]),
  /** Items of the stack (endpoints, topics, exchanges, queues, tables, stubs) at least one journey touched, per kind. */
  coverage: z.record(z.string(), z.object({ covered: z.number(), total: z.number() })).optional(),
  warnings: z.array(z.string()),
});
export type RunSummary = z.infer<typeof runSummarySchema>;

export function formatRunSummary(summary: RunSummary): string[] {
  const { counts } = summary;
  const lines = [
    `${summary.recorded ? `run ${summary.runId} recorded in ${summary.database}` : summary.readOnly ? `run ${summary.runId} not recorded (read-only: JOURNEYS_HISTORY_RECORD=0)` : `run ${summary.runId} NOT recorded`}: ${counts.passed} passed, ${counts.flaky} flaky, ${counts.failed} failed, ${counts.skipped} skipped, ${counts.notRun} not run`,
  ];
  for (const q of summary.quarantined) {
    lines.push(
      `quarantined: ${q.journeyId} [${q.project}]${q.copies > 1 ? ` ×${q.copies}` : ''} ${q.failed ? `FAILED (${q.status}), not failing the run` : q.status} — ${q.reason}`,
    );
  }
  for (const error of summary.quarantineErrors) lines.push(`quarantine error (fails the run): ${error}`);
  if (summary.quarantineErrors.length > 0 && summary.status !== summary.playwrightStatus)
    lines.push(`run status: ${summary.playwrightStatus} → ${summary.status}: see the quarantine errors above`);
  if (summary.passedByQuarantine)
    lines.push(`run status: ${summary.playwrightStatus} → passed: every failure is a quarantined journey`);
  for (const e of summary.nextRun.entering)
    lines.push(`enters quarantine from the next run: ${e.journeyId} — ${e.reason}`);
  for (const l of summary.nextRun.leaving)
    lines.push(`leaves quarantine from the next run: ${l.journeyId} — ${l.reason}`);
  for (const d of summary.drift) lines.push(`drift: ${d.journeyId}: ${d.drift.join(' | ')}`);
  for (const { journeyId, suspects } of summary.suspects)
    lines.push(`suspects for ${journeyId}: ${suspects.map((text, index) => `(${index + 1}) ${text}`).join(' ')}`);
  if (summary.coverage)
    lines.push(
      `coverage: ${Object.entries(summary.coverage)
        .map(([kind, { covered, total }]) => `${kind}s ${covered}/${total}`)
        .join(', ')} touched by a journey (journeys history --html DIR writes the coverage page)`,
    );
  for (const { journeys, ...incident } of summary.incidents)
    lines.push(
      `incident: ${formatIncident(incident)}; ${journeys.length} journey(s) failed in it, not counted as flaky: ${journeys.join(', ')}`,
    );
  if (summary.notRetried.retries > 0)
    lines.push(
      `not retried: ${summary.notRetried.retries} ${summary.notRetried.retries === 1 ? 'retry' : 'retries'} of journeys whose failure no retry changes, ${formatMs(summary.notRetried.savedMs)} saved (retryOn)`,
    );
  if (summary.resources.length > 0)
    lines.push(
      `peaks per service (one journey): ${summary.resources.map((r) => `${r.service} ${formatBytes(r.peakMemoryBytes)}, ${formatMs(r.cpuMs)} CPU`).join(' · ')}`,
    );
  return lines;
}

/** Each incident of the run once, with the journeys that failed in it. */
export function runIncidents(
  journeys: readonly { journeyId: string; incident?: IncidentRef }[],
): RunSummary['incidents'] {
  const byId = new Map<string, RunSummary['incidents'][number]>();
  for (const { journeyId, incident } of journeys) {
    if (!incident) continue;
    const known = byId.get(incident.id) ?? { ...incident, journeys: [] };
    if (!known.journeys.includes(journeyId)) known.journeys.push(journeyId); // --repeat-each copies: the journey once
    byId.set(incident.id, known);
  }
  return [...byId.values()];
}

/** Per service, the journey of the run with the highest memory peak, and the one with the most CPU time. */
export function runResourcePeaks(
  journeys: readonly {
    journeyId: string;
    resources?: readonly { service: string; peakMemoryBytes: number; cpuMs: number }[];
  }[],
): RunSummary['resources'] {
  const peaks = new Map<string, RunSummary['resources'][number]>();
  for (const journey of journeys)
    for (const used of journey.resources ?? []) {
      const known = peaks.get(used.service);
      const next = known ?? {
        service: used.service,
        peakMemoryBytes: -1,
        peakJourneyId: '',
        cpuMs: -1,
        cpuJourneyId: '',
      };
      if (used.peakMemoryBytes > next.peakMemoryBytes)
        Object.assign(next, { peakMemoryBytes: used.peakMemoryBytes, peakJourneyId: journey.journeyId });
      if (used.cpuMs > next.cpuMs) Object.assign(next, { cpuMs: used.cpuMs, cpuJourneyId: journey.journeyId });
      peaks.set(used.service, next);
    }
  return [...peaks.values()].sort((a, b) => a.service.localeCompare(b.service));
}

/** Covered and total items per kind, for the summary line. */
export function coverageCounts(coverage: RunCoverage | undefined): RunSummary['coverage'] {
  if (!coverage) return undefined;
  const counts: NonNullable<RunSummary['coverage']> = {};
  for (const item of coverage.items) {
    const entry = counts[item.kind] ?? { covered: 0, total: 0 };
    counts[item.kind] = entry;
    entry.total += 1;
    if (item.journeys.length > 0) entry.covered += 1;
  }
  return counts;
}
