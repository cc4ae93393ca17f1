import { z } from 'zod';
import { runCoverageSchema } from '../coverage/coverage-item.ts';
import { FAILURE_CATEGORIES } from '../report/failure-category.ts';
import { shapeSchema } from './drift/shape.ts';
import { runFingerprintSchema } from './fingerprint/run-fingerprint.ts';

/**
 * What one run leaves in the history: the run, and one row per journey (test) that belonged to it,
 * per project and per `--repeat-each` copy.
 * Times are ISO strings so both backends and the JSON output agree on one form.
 */

/** Playwright's test statuses, plus `notRun`: the journey never started (its stack did not come up, or the run stopped first). */
export const journeyStatusSchema = z.enum(['passed', 'failed', 'timedOut', 'skipped', 'interrupted', 'notRun']);
export type JourneyStatus = z.infer<typeof journeyStatusSchema>;

/** The failure review's categories (src/report/failure-category.ts), as the history stores them. */
export const failureCategorySchema = z.enum(FAILURE_CATEGORIES);

/** Playwright's FullResult statuses: how the run ended (after a quarantine override, see `passedByQuarantine`). */
export const runStatusSchema = z.enum(['passed', 'failed', 'timedout', 'interrupted']);
export type RunStatus = z.infer<typeof runStatusSchema>;

export const serviceResourcesSchema = z.object({
  service: z.string(),
  peakMemoryBytes: z.number().min(0),
  cpuMs: z.number().min(0),
});
export type ServiceResources = z.infer<typeof serviceResourcesSchema>;

export const incidentRefSchema = z.object({
  /** `<service>@<ISO time>`: the same incident on every journey it touched. */
  id: z.string(),
  service: z.string(),
  kind: z.enum(['died', 'restarted', 'oom', 'unhealthy']),
  at: z.string(),
  exitCode: z.number().int().optional(),
});
export type IncidentRef = z.infer<typeof incidentRefSchema>;

export const journeyResultSchema = z.object({
  /** `file › describe › title`, file relative to the config's rootDir: the same on every machine. */
  journeyId: z.string().min(1),
  project: z.string(),
  file: z.string(),
  title: z.string(),
  /** Which `--repeat-each` copy (Playwright's repeatEachIndex): each copy is a result of its own. Absent: 0. */
  repeatIndex: z.number().int().min(0).optional(),
  /** Status of the last attempt. */
  status: journeyStatusSchema,
  /** Failed, then passed on a retry. */
  flaky: z.boolean(),
  retries: z.number().int().min(0),
  /** Duration of the last attempt. */
  durationMs: z.number().int().min(0),
  /** From the last failed attempt: for a flaky journey, why it failed before it passed. */
  failureCategory: failureCategorySchema.optional(),
  failureReason: z.string().optional(),
  failureServices: z.array(z.string()),
  correlationId: z.string().optional(),
  /** Quarantine applied in this run: its failure did not fail the run. */
  quarantined: z.boolean(),
  quarantineReason: z.string().optional(),
  /** A declared quarantine's owner and last day (YYYY-MM-DD); absent for the flake-rate quarantine. */
  quarantineOwner: z.string().optional(),
  quarantineUntil: z.string().optional(),
  /** The `drift` annotations the fixtures put on the journey in this run. */
  drift: z.array(z.string()),
  /** Per service, its peak memory and the CPU time it spent during the last attempt (the resources fixture). */
  resources: z.array(serviceResourcesSchema).optional(),
  /** The incident this journey failed in (a service that died, restarted, was OOM-killed or turned unhealthy outside an intended fault): not a flake of the journey. */
  incident: incidentRefSchema.optional(),
  /** What changed since the journey's last passing run, most likely first (`suspect` annotations). */
  suspects: z.array(z.string()).optional(),
});
export type JourneyResult = z.infer<typeof journeyResultSchema>;

/** Shapes a passing journey saw, per channel key (`kafka orders.placed`, `http POST /orders 201`): the next run's drift baseline. */
export const journeyShapesSchema = z.object({
  journeyId: z.string().min(1),
  shapes: z.record(z.string(), shapeSchema),
});
export type JourneyShapes = z.infer<typeof journeyShapesSchema>;

export const shardSchema = z.object({ current: z.number().int().min(1), total: z.number().int().min(1) });

export const runRecordSchema = z.object({
  runId: z.string().min(1),
  startedAt: z.string(),
  endedAt: z.string(),
  status: runStatusSchema,
  /** Playwright said failed, and every failure was a quarantined journey. */
  passedByQuarantine: z.boolean(),
  gitSha: z.string().optional(),
  shard: shardSchema.optional(),
  configHash: z.string().optional(),
  /** Compose service → image id it ran. */
  images: z.record(z.string(), z.string()),
  /** What the run ran on (images, build sources, resolved config, engine): the suspect's evidence. */
  fingerprint: runFingerprintSchema.optional(),
  /** What the run's journeys exercised, against what the stack has (the coverage page). */
  coverage: runCoverageSchema.optional(),
  /** The stack never came up: the setup's failure, and the run's journeys were not run. */
  infraFailure: z.string().optional(),
  journeys: z.array(journeyResultSchema),
  shapes: z.array(journeyShapesSchema),
});
export type RunRecord = z.infer<typeof runRecordSchema>;

/** A journey's row as read back, with the run it belongs to. */
export interface StoredJourneyResult extends JourneyResult {
  runId: string;
  runStartedAt: string;
  gitSha?: string;
}

/** A run as read back, without its journeys. */
export type StoredRun = Omit<RunRecord, 'journeys' | 'shapes'> & {
  /** Why the stored fingerprint cannot be compared (an older form, edited by hand): said, never thrown. */
  fingerprintProblem?: string;
};
