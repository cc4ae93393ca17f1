// Retries by cause. Playwright retries every failed test alike (`--retries=2`: a product bug runs
// three times, the same assertion failing each time). We know why each attempt failed, so an attempt
// whose failure no retry can change ends at once, saying so, and the journey stays failed.
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stateFile } from '../run/state-files.ts';
import { FAILURE_CATEGORIES, type FailureCategory } from './failure-category.ts';

/** What may be retried: a failure category, or `timeout` (the journey ran out of time: a slow machine). */
export type RetryCause = FailureCategory | 'timeout';
export const RETRY_CAUSES: readonly RetryCause[] = [...FAILURE_CATEGORIES, 'timeout'];

/** By default only what the infrastructure or the clock broke is run again. */
export const DEFAULT_RETRY_ON: readonly RetryCause[] = ['INFRA', 'timeout'];

/** How a failed attempt ended, kept for the journey's next attempt (another worker process). */
export interface AttemptRecord {
  /** The run it belongs to (JOURNEYS_RUN): a record a reused project's earlier run left is not this run's. */
  run: string | undefined;
  /** The attempt this record is of. */
  retry: number;
  /** The attempt that ran and failed so (a retry that did not run passes its record on). */
  ranIn: number;
  category: FailureCategory;
  timedOut: boolean;
  /** The attempt's first error, whole (redacted): what each retry that did not run says again. */
  error: string;
  /** The failure's annotations (category, reason, services) and evidence, shown again on each retry that did not run. */
  annotations: { type: string; description?: string }[];
  attachments: KeptAttachment[];
}

/** An attachment of the attempt that ran, kept as a file for the retries after it. */
export interface KeptAttachment {
  name: string;
  contentType: string;
  path: string;
}

/** The first words of the error a skipped retry fails with: the history reporter counts them. */
export const NOT_RETRIED = 'not retried:';

function attemptFile(projectName: string, testId: string): string {
  return path.join(stateFile(projectName, 'attempts'), `${testId.replace(/[^\w-]/g, '_')}.json`);
}

/**
 * Keeps the attempt's attachments as files beside its record, so a retry that does not run shows the
 * same evidence: the report opens on the last attempt, and it must say why without a click back.
 */
export function keepAttachments(
  projectName: string,
  testId: string,
  attachments: readonly { name: string; contentType: string; path?: string; body?: Buffer }[],
): KeptAttachment[] {
  const dir = attemptFile(projectName, testId).replace(/\.json$/, '');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return attachments.flatMap((attachment, index) => {
    const file = path.join(dir, `${index}-${attachment.name.replace(/[^\w.-]/g, '_')}`);
    try {
      if (attachment.body) writeFileSync(file, attachment.body);
      else if (attachment.path) copyFileSync(attachment.path, file);
      else return [];
    } catch {
      return []; // an attachment that cannot be kept is still in the attempt that made it
    }
    return [{ name: attachment.name, contentType: attachment.contentType, path: file }];
  });
}

export function recordAttempt(projectName: string, testId: string, record: AttemptRecord): void {
  const file = attemptFile(projectName, testId);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(record));
}

export function previousAttempt(projectName: string, testId: string): AttemptRecord | undefined {
  try {
    return JSON.parse(readFileSync(attemptFile(projectName, testId), 'utf8')) as AttemptRecord;
  } catch {
    return undefined; // no record (its evidence was not collected): retried as Playwright would
  }
}

/**
 * Why retry `retry` of `run` does not run (its error message), or undefined when it should. Only a
 * record of the attempt just before, in this run, decides.
 */
export function skippedRetry(
  previous: AttemptRecord | undefined,
  retryOn: readonly RetryCause[],
  now: { run: string | undefined; retry: number },
): string | undefined {
  if (!previous || previous.run !== now.run || previous.retry !== now.retry - 1) return undefined;
  if (retryOn.includes(previous.category) || (previous.timedOut && retryOn.includes('timeout'))) return undefined;
  const kind = previous.timedOut ? `${previous.category} failure (a timeout)` : `${previous.category} failure`;
  return `[${previous.category}] ${NOT_RETRIED} ${kind} in attempt ${previous.ranIn + 1}, see its evidence. Retried are: ${retryOn.join(', ') || 'none'} (the retryOn option).\n\nAttempt ${previous.ranIn + 1} failed with:\n${previous.error}`;
}

/** Checked where the option is read: a cause we do not know is a typo that would silently stop every retry. */
export function checkRetryOn(retryOn: readonly string[]): readonly RetryCause[] {
  const unknown = retryOn.filter((cause) => !(RETRY_CAUSES as readonly string[]).includes(cause));
  if (unknown.length > 0)
    throw new Error(
      `[TEST] retryOn: ${unknown.map((cause) => JSON.stringify(cause)).join(', ')} is not a cause; the causes are ${RETRY_CAUSES.join(', ')}. Fix: use: { retryOn: ['INFRA', 'timeout'] } (the default).`,
    );
  return retryOn as RetryCause[];
}

/** The retries a run did not run, and the time their attempts would have taken (as long as the attempt before). */
export function retriesSaved(
  tests: readonly { results: readonly { duration: number; errors: readonly { message?: string }[] }[] }[],
): { retries: number; savedMs: number } {
  let retries = 0;
  let savedMs = 0;
  for (const { results } of tests) {
    const full = results.find((result) => !isSkippedRetry(result));
    for (const result of results)
      if (isSkippedRetry(result)) {
        retries++;
        savedMs += Math.max(0, (full?.duration ?? 0) - result.duration);
      }
  }
  return { retries, savedMs };
}

/** A retry that ended at once, its journey's failure being one no retry changes. */
export function isSkippedRetry(result: { errors: readonly { message?: string }[] }): boolean {
  return result.errors.some((error) => error.message?.includes(`] ${NOT_RETRIED} `) ?? false);
}
