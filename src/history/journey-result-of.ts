import type { TestCase, TestResult } from '@playwright/test/reporter';
import { z } from 'zod';
import { isSkippedRetry } from '../report/retry-policy.ts';
import { RESOURCES_ATTACHMENT } from '../resources/journey-usage.ts';
import { HISTORY_ANNOTATIONS, SHAPES_ATTACHMENT } from './annotations.ts';
import { attachmentText } from './attachment-text.ts';
import { type Shape, shapeSchema } from './drift/shape.ts';
import { parseIncident } from './incident-text.ts';
import { journeyFileOf, journeyIdOfTestCase } from './journey-id.ts';
import { failureCategorySchema, type JourneyResult, type JourneyStatus, type ServiceResources } from './run-record.ts';

type Annotation = { type: string; description?: string };
const FAILED: ReadonlySet<string> = new Set(['failed', 'timedOut', 'interrupted']);

/**
 * One journey's row from Playwright's test case: the last attempt's status, flaky when it failed
 * first and passed on a retry, and the failure fields from the last FAILED attempt (for a flaky
 * journey, why it failed before it passed). `notRun`: it has no attempt, or its stack never came up.
 */
export function journeyResultOf(
  test: TestCase,
  options: {
    rootDir: string;
    project: string;
    stackFailed: boolean;
    /** Applied in this run: by flake rate (a reason), or declared (owner and until too). */
    quarantine?: { reason: string; owner?: string; until?: string };
  },
): JourneyResult {
  const last = test.results.at(-1);
  // A retry that did not run (retries by cause) says nothing of its own: the attempt before it does.
  const ran = test.results.filter((result) => !isSkippedRetry(result));
  const failedAttempt = [...ran].reverse().find((result) => FAILED.has(result.status));
  const notRun = !last || (options.stackFailed && last.status === 'skipped');
  const status: JourneyStatus = notRun ? 'notRun' : last.status;
  // Runtime annotations live on each attempt; test.annotations holds the declared ones (and, for
  // the last attempt, Playwright's copy of its runtime ones): read the attempt first.
  const failureAnnotations: Annotation[] = failedAttempt
    ? [...failedAttempt.annotations, ...(failedAttempt === last ? test.annotations : [])]
    : [];
  const lastAnnotations: Annotation[] = [...(last?.annotations ?? []), ...test.annotations];
  const find = (list: Annotation[], type: string) =>
    list.find((a) => a.type === type)?.description?.trim() || undefined;

  const category = failureCategorySchema.safeParse(find(failureAnnotations, HISTORY_ANNOTATIONS.category));
  const reason = failedAttempt
    ? (find(failureAnnotations, HISTORY_ANNOTATIONS.reason) ?? errorSummary(failedAttempt))
    : undefined;
  const services = (find(failureAnnotations, HISTORY_ANNOTATIONS.services) ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const correlationId =
    find(failureAnnotations, HISTORY_ANNOTATIONS.correlationId) ??
    find(lastAnnotations, HISTORY_ANNOTATIONS.correlationId);
  const drift = [
    ...new Set(
      lastAnnotations.filter((a) => a.type === HISTORY_ANNOTATIONS.drift && a.description).map((a) => a.description!),
    ),
  ];

  const suspects = [
    ...new Set(
      failureAnnotations
        .filter((a) => a.type === HISTORY_ANNOTATIONS.suspect && a.description)
        .map((a) => a.description!),
    ),
  ];
  // Any attempt that failed in an incident: a journey that passed on its retry after the heal is not a flake.
  const incident = ran
    .flatMap((result) => result.annotations)
    .filter((a) => a.type === HISTORY_ANNOTATIONS.incident && a.description)
    .map((a) => parseIncident(a.description!))
    .find((ref) => ref !== undefined);

  return {
    journeyId: journeyIdOfTestCase(test, options.rootDir),
    project: options.project,
    file: journeyFileOf(options.rootDir, test.location.file),
    title: test.titlePath().slice(3).join(' › '),
    ...(test.repeatEachIndex > 0 ? { repeatIndex: test.repeatEachIndex } : {}),
    status,
    flaky: test.outcome() === 'flaky',
    retries: Math.max(0, test.results.length - 1),
    durationMs: Math.max(0, Math.round((ran.at(-1) ?? last)?.duration ?? 0)),
    ...(failedAttempt && category.success ? { failureCategory: category.data } : {}),
    ...(reason ? { failureReason: reason } : {}),
    failureServices: failedAttempt ? services : [],
    ...(correlationId ? { correlationId } : {}),
    quarantined: options.quarantine !== undefined,
    ...(options.quarantine ? { quarantineReason: options.quarantine.reason } : {}),
    ...(options.quarantine?.owner ? { quarantineOwner: options.quarantine.owner } : {}),
    ...(options.quarantine?.until ? { quarantineUntil: options.quarantine.until } : {}),
    drift,
    resources: resourcesOf(last),
    ...(incident ? { incident } : {}),
    ...(suspects.length > 0 ? { suspects } : {}),
  };
}

/** The per-service figures the resources fixture attached to the attempt (`resources.json`); none when it did not. */
function resourcesOf(result: TestResult | undefined): ServiceResources[] {
  const attachment = result?.attachments.find((a) => a.name === RESOURCES_ATTACHMENT);
  if (!attachment) return [];
  try {
    const text = attachmentText(attachment);
    const { usage } = JSON.parse(text) as { usage: { service: string; peakMemoryBytes: number; cpuMs: number }[] };
    return usage.map(({ service, peakMemoryBytes, cpuMs }) => ({ service, peakMemoryBytes, cpuMs }));
  } catch {
    return []; // not ours to fail a run over: the figures are extra
  }
}

/** The shapes a passing attempt attached, or undefined; a malformed attachment is an error naming the journey. */
export function shapesOf(result: TestResult | undefined, journeyId: string): Record<string, Shape> | undefined {
  const attachment = result?.attachments.find((a) => a.name === SHAPES_ATTACHMENT);
  if (!attachment) return undefined;
  const text = attachmentText(attachment);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(
      `${SHAPES_ATTACHMENT} of "${journeyId}" is not JSON (${(error as Error).message}); its shapes were not kept as the drift baseline`,
    );
  }
  const parsed = z.record(z.string(), shapeSchema).safeParse(json);
  if (!parsed.success)
    throw new Error(
      `${SHAPES_ATTACHMENT} of "${journeyId}" is not { channel: { path: type } } (${z.prettifyError(parsed.error)}); its shapes were not kept as the drift baseline`,
    );
  return parsed.data;
}

/** First lines of the error, without colours: the reason when no fixture said one. */
function errorSummary(result: TestResult): string | undefined {
  const message = result.error?.message ?? result.errors[0]?.message;
  if (!message) return result.status === 'timedOut' ? 'timed out' : undefined;
  const plain = message
    .replace(/\u001b\[[0-9;]*m/g, '')
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .slice(0, 3)
    .join(' · ');
  return plain.length > 300 ? `${plain.slice(0, 299)}…` : plain;
}
