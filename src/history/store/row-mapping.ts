import { z } from 'zod';
import { runCoverageSchema } from '../../coverage/coverage-item.ts';
import { type Shape, shapeSchema } from '../drift/shape.ts';
import { FINGERPRINT_SCHEMA, runFingerprintSchema } from '../fingerprint/run-fingerprint.ts';
import {
  failureCategorySchema,
  incidentRefSchema,
  journeyStatusSchema,
  runStatusSchema,
  type StoredJourneyResult,
  type StoredRun,
  serviceResourcesSchema,
} from '../run-record.ts';

/**
 * Rows as either backend returns them, validated on the way out: SQLite gives text and 0/1,
 * PostgreSQL gives Date, boolean and parsed jsonb. A row that does not fit is a database someone
 * edited by hand, and the error says which column.
 */
const timestamp = z.union([z.string(), z.date()]).transform((value) => new Date(value).toISOString());
const flag = z.union([z.boolean(), z.number()]).transform(Boolean);
const optionalText = z
  .string()
  .nullable()
  .transform((value) => value ?? undefined);
const json = <T extends z.ZodType>(schema: T) =>
  z.union([z.string().transform((text) => JSON.parse(text) as unknown), z.unknown()]).pipe(schema);

const runRow = z.object({
  run_id: z.string(),
  started_at: timestamp,
  ended_at: timestamp,
  status: runStatusSchema,
  passed_by_quarantine: flag,
  git_sha: optionalText,
  shard_current: z.number().nullable(),
  shard_total: z.number().nullable(),
  config_hash: optionalText,
  images: json(z.record(z.string(), z.string())),
  infra_failure: optionalText,
  fingerprint: z.unknown().optional(),
  coverage: z.unknown().optional(),
});

const journeyRow = z.object({
  run_id: z.string(),
  journey_id: z.string(),
  project: z.string(),
  repeat_index: z.coerce.number().int().min(0).optional(),
  file: z.string(),
  title: z.string(),
  status: journeyStatusSchema,
  flaky: flag,
  retries: z.number(),
  duration_ms: z.coerce.number(),
  failure_category: failureCategorySchema.nullable(),
  failure_reason: optionalText,
  failure_services: json(z.array(z.string())),
  correlation_id: optionalText,
  quarantined: flag,
  quarantine_reason: optionalText,
  quarantine_owner: optionalText.optional(),
  quarantine_until: optionalText.optional(),
  drift: json(z.array(z.string())),
  resources: json(z.array(serviceResourcesSchema)),
  incident: json(incidentRefSchema.nullable()).optional(),
  suspects: json(z.array(z.string())).optional(),
  run_started_at: timestamp,
  run_git_sha: optionalText,
});

export function runFromRow(row: unknown): StoredRun {
  const r = runRow.parse(row);
  return {
    runId: r.run_id,
    startedAt: r.started_at,
    endedAt: r.ended_at,
    status: r.status,
    passedByQuarantine: r.passed_by_quarantine,
    ...(r.git_sha ? { gitSha: r.git_sha } : {}),
    ...(r.shard_current && r.shard_total ? { shard: { current: r.shard_current, total: r.shard_total } } : {}),
    ...(r.config_hash ? { configHash: r.config_hash } : {}),
    images: r.images,
    ...(r.infra_failure ? { infraFailure: r.infra_failure } : {}),
    ...fingerprintOfRow(r.fingerprint),
    ...coverageOfRow(r.coverage),
  };
}

/**
 * A fingerprint is read on its own terms: one written by an older (or newer) compose-journeys, or
 * edited by hand, does not make the run unreadable; the run carries why it cannot be compared.
 */
/** A coverage that does not fit (edited by hand, another version) is left out: the run stays readable. */
function coverageOfRow(value: unknown): Pick<StoredRun, 'coverage'> {
  if (value === null || value === undefined) return {};
  try {
    const parsed = runCoverageSchema.safeParse(typeof value === 'string' ? JSON.parse(value) : value);
    return parsed.success ? { coverage: parsed.data } : {};
  } catch {
    return {};
  }
}

export function fingerprintOfRow(value: unknown): Pick<StoredRun, 'fingerprint' | 'fingerprintProblem'> {
  if (value === null || value === undefined) return {};
  let parsed: unknown = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch {
      return { fingerprintProblem: 'its fingerprint is not JSON' };
    }
  }
  const schema = (parsed as { schema?: unknown } | null)?.schema;
  if (typeof schema === 'number' && schema !== FINGERPRINT_SCHEMA)
    return {
      fingerprintProblem: `its fingerprint has form ${schema}, this compose-journeys reads form ${FINGERPRINT_SCHEMA}`,
    };
  const result = runFingerprintSchema.safeParse(parsed);
  return result.success
    ? { fingerprint: result.data }
    : {
        fingerprintProblem: `its fingerprint does not fit form ${FINGERPRINT_SCHEMA}: ${z.prettifyError(result.error)}`,
      };
}

export function journeyResultFromRow(row: unknown): StoredJourneyResult {
  const r = journeyRow.parse(row);
  return {
    runId: r.run_id,
    runStartedAt: r.run_started_at,
    ...(r.run_git_sha ? { gitSha: r.run_git_sha } : {}),
    journeyId: r.journey_id,
    project: r.project,
    file: r.file,
    title: r.title,
    ...(r.repeat_index ? { repeatIndex: r.repeat_index } : {}),
    status: r.status,
    flaky: r.flaky,
    retries: r.retries,
    durationMs: r.duration_ms,
    ...(r.failure_category ? { failureCategory: r.failure_category } : {}),
    ...(r.failure_reason ? { failureReason: r.failure_reason } : {}),
    failureServices: r.failure_services,
    ...(r.correlation_id ? { correlationId: r.correlation_id } : {}),
    quarantined: r.quarantined,
    ...(r.quarantine_reason ? { quarantineReason: r.quarantine_reason } : {}),
    ...(r.quarantine_owner ? { quarantineOwner: r.quarantine_owner } : {}),
    ...(r.quarantine_until ? { quarantineUntil: r.quarantine_until } : {}),
    drift: r.drift,
    resources: r.resources,
    ...(r.incident ? { incident: r.incident } : {}),
    ...(r.suspects?.length ? { suspects: r.suspects } : {}),
  };
}

export function shapesFromRows(rows: unknown[]): Record<string, Shape> {
  const parsed = z.array(z.object({ channel: z.string(), shape: json(shapeSchema) })).parse(rows);
  return Object.fromEntries(parsed.map((row) => [row.channel, row.shape]));
}

/**
 * Each journey's results in its newest N runs (every project and `--repeat-each` copy of them),
 * oldest first: one query for both dialects (window functions), given each one's parameter syntax.
 * DENSE_RANK, not ROW_NUMBER: the copies of one run share a rank, so N counts runs, not rows.
 */
export function journeyResultsQuery(journey: string, limit: string): string {
  return `
    SELECT * FROM (
      SELECT jr.*, r.started_at AS run_started_at, r.git_sha AS run_git_sha,
             DENSE_RANK() OVER (PARTITION BY jr.journey_id ORDER BY r.started_at DESC, jr.run_id DESC) AS newest
      FROM journey_results jr JOIN runs r ON r.run_id = jr.run_id
      WHERE ${journey} = '' OR jr.journey_id = ${journey}
    ) AS ranked
    WHERE newest <= ${limit}
    ORDER BY run_started_at ASC, run_id ASC, journey_id ASC, project ASC, repeat_index ASC`;
}
