// Retries by cause, the decisions: which retry runs, what one that does not run says, what the run saved.
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import {
  type AttemptRecord,
  checkRetryOn,
  DEFAULT_RETRY_ON,
  keepAttachments,
  previousAttempt,
  recordAttempt,
  retriesSaved,
  skippedRetry,
} from '../../src/report/retry-policy.ts';

const attempt = (category: AttemptRecord['category'], timedOut = false): AttemptRecord => ({
  run: 'run-1',
  retry: 0,
  ranIn: 0,
  category,
  timedOut,
  error:
    'SchemaMismatchError: POST /bookings (201) body does not match the schema (1 issue):\n  $.status: expected "BOOKED", received "CONFIRMED"',
  annotations: [{ type: 'failure-category', description: category }],
  attachments: [],
});

const RETRY_1 = { run: 'run-1', retry: 1 };

test('by default an INFRA failure or a timeout is retried; a PRODUCT or TEST failure is not', () => {
  expect(skippedRetry(attempt('INFRA'), DEFAULT_RETRY_ON, RETRY_1)).toBeUndefined();
  expect(skippedRetry(attempt('TEST', true), DEFAULT_RETRY_ON, RETRY_1)).toBeUndefined();
  expect(skippedRetry(attempt('PRODUCT'), DEFAULT_RETRY_ON, RETRY_1)).toBe(
    [
      '[PRODUCT] not retried: PRODUCT failure in attempt 1, see its evidence. Retried are: INFRA, timeout (the retryOn option).',
      '',
      'Attempt 1 failed with:',
      'SchemaMismatchError: POST /bookings (201) body does not match the schema (1 issue):',
      '  $.status: expected "BOOKED", received "CONFIRMED"',
    ].join('\n'),
  );
  expect(skippedRetry(attempt('TEST'), DEFAULT_RETRY_ON, RETRY_1)).toMatch(
    /^\[TEST\] not retried: TEST failure in attempt 1/,
  );
  // No record of the attempt before (its evidence was never collected): retried, as Playwright would.
  expect(skippedRetry(undefined, DEFAULT_RETRY_ON, RETRY_1)).toBeUndefined();
  // Only the attempt just before, in this run: not an earlier run's (a reused project), not an older attempt.
  expect(skippedRetry(attempt('PRODUCT'), DEFAULT_RETRY_ON, { run: 'run-2', retry: 1 })).toBeUndefined();
  expect(skippedRetry(attempt('PRODUCT'), DEFAULT_RETRY_ON, { run: 'run-1', retry: 2 })).toBeUndefined();
  // A retry that did not run passes the record on: the next one says the same, of the same attempt.
  expect(skippedRetry({ ...attempt('PRODUCT'), retry: 1 }, DEFAULT_RETRY_ON, { run: 'run-1', retry: 2 })).toMatch(
    /^\[PRODUCT\] not retried: PRODUCT failure in attempt 1,/,
  );
});

test('retryOn decides per cause', () => {
  expect(skippedRetry(attempt('PRODUCT'), ['INFRA', 'PRODUCT'], RETRY_1)).toBeUndefined();
  expect(skippedRetry(attempt('INFRA'), [], RETRY_1)).toMatch(
    /not retried: INFRA failure in attempt 1.*Retried are: none/,
  );
  expect(skippedRetry(attempt('TEST', true), ['INFRA'], RETRY_1)).toMatch(/TEST failure \(a timeout\) in attempt 1/);
  expect(() => checkRetryOn(['INFRA', 'infra'])).toThrow(
    '[TEST] retryOn: "infra" is not a cause; the causes are INFRA, PRODUCT, TEST, timeout.',
  );
});

test('an attempt is recorded for the next one, by test id', () => {
  const project = `retry-${process.pid}-${Math.random().toString(36).slice(2, 7)}`;
  expect(previousAttempt(project, 'abc-123')).toBeUndefined();
  recordAttempt(project, 'abc-123', attempt('PRODUCT'));
  expect(previousAttempt(project, 'abc-123')).toEqual(attempt('PRODUCT'));
});

test("an attempt's attachments are kept as files for the retries after it", () => {
  const project = `retry-${process.pid}-${Math.random().toString(36).slice(2, 7)}`;
  const kept = keepAttachments(project, 'abc-123', [
    { name: 'journey-timeline.md', contentType: 'text/markdown', body: Buffer.from('| +0 ms | … |') },
    { name: 'nowhere', contentType: 'text/plain', path: '/nonexistent/file' },
  ]);
  expect(kept.map((k) => [k.name, k.contentType])).toEqual([['journey-timeline.md', 'text/markdown']]);
  expect(readFileSync(kept[0]!.path, 'utf8')).toBe('| +0 ms | … |');
});

test('what a run saved: each retry that did not run, at the length of the full attempt before it', () => {
  const notRetried = {
    duration: 40,
    errors: [{ message: 'Error: [PRODUCT] not retried: PRODUCT failure in attempt 1' }],
  };
  expect(
    retriesSaved([
      { results: [{ duration: 61_000, errors: [{ message: 'SchemaMismatchError: …' }] }, notRetried, notRetried] },
      {
        results: [
          { duration: 5_000, errors: [{ message: 'Error: boom' }] },
          { duration: 4_000, errors: [] },
        ],
      },
    ]),
  ).toEqual({ retries: 2, savedMs: 2 * (61_000 - 40) });
});
