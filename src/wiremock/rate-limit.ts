// `rateLimit: { requests, windowMs, retryAfterSeconds }`: a provider that lets N requests through per
// window and answers 429 after. WireMock counts (a scenario: N steps, then a 429 step that keeps its
// state); WireMock has no clock for scenarios, so the window's end is ours: the scenario is put back to
// "Started" every windowMs through the admin API.
import type { RateLimit, ResponseDefinition } from './types.ts';

/** A shorter window would have the admin API called more often than the provider. */
export const MIN_RATE_LIMIT_WINDOW_MS = 100;
/** Each allowed request is a mapping (two for a journey's stub). */
export const MAX_RATE_LIMIT_REQUESTS = 1000;

/** A `rateLimit` option that cannot mean anything throws, naming the field. */
export function assertRateLimit(rateLimit: unknown): asserts rateLimit is RateLimit {
  if (!rateLimit || typeof rateLimit !== 'object' || Array.isArray(rateLimit))
    throw new Error(
      'stub({ rateLimit }): { requests, windowMs, retryAfterSeconds? }, e.g. { requests: 3, windowMs: 1000 }.',
    );
  const { requests, windowMs, retryAfterSeconds, ...unknown } = rateLimit as Record<string, unknown>;
  const extra = Object.keys(unknown);
  if (extra.length > 0)
    throw new Error(
      `stub({ rateLimit }): unknown field${extra.length > 1 ? 's' : ''} ${extra.map((key) => `"${key}"`).join(', ')}; rateLimit has requests, windowMs, retryAfterSeconds.`,
    );
  if (!Number.isInteger(requests) || (requests as number) < 1 || (requests as number) > MAX_RATE_LIMIT_REQUESTS)
    throw new Error(
      `stub({ rateLimit: { requests } }): a whole number from 1 to ${MAX_RATE_LIMIT_REQUESTS} (the requests a window lets through), got ${JSON.stringify(requests) ?? String(requests)}.`,
    );
  if (typeof windowMs !== 'number' || !Number.isFinite(windowMs) || windowMs < MIN_RATE_LIMIT_WINDOW_MS)
    throw new Error(
      `stub({ rateLimit: { windowMs } }): at least ${MIN_RATE_LIMIT_WINDOW_MS} ms (each window's end is a call to WireMock's admin API), got ${JSON.stringify(windowMs) ?? String(windowMs)}.`,
    );
  if (retryAfterSeconds !== undefined && (!Number.isInteger(retryAfterSeconds) || (retryAfterSeconds as number) < 0))
    throw new Error(
      `stub({ rateLimit: { retryAfterSeconds } }): a whole number of seconds ≥ 0 (HTTP's Retry-After), got ${JSON.stringify(retryAfterSeconds) ?? String(retryAfterSeconds)}.`,
    );
}

/** The `Retry-After` a limited request is told: as given, else the window rounded up to seconds. */
export const retryAfterOf = (rateLimit: RateLimit): number =>
  rateLimit.retryAfterSeconds ?? Math.ceil(rateLimit.windowMs / 1000);

/** What a request over the limit gets. */
export function rateLimitedAnswer(rateLimit: RateLimit): ResponseDefinition {
  return { status: 429, headers: { 'Retry-After': String(retryAfterOf(rateLimit)) } };
}

/**
 * Calls `reset` every `everyMs` until the returned stop is called; one call at a time (a slow WireMock
 * skips a beat rather than piling calls up), and never keeps the process alive. A failed reset goes
 * to `onError` (the limit then lasts longer than its window, which the test should hear of).
 */
export function everyWindow(
  everyMs: number,
  reset: () => Promise<void>,
  onError: (error: unknown) => void,
): () => void {
  let stopped = false;
  let inFlight = false;
  const timer = setInterval(() => {
    if (inFlight) return;
    inFlight = true;
    reset()
      .catch((error: unknown) => {
        if (!stopped) onError(error);
      })
      .finally(() => {
        inFlight = false;
      });
  }, everyMs);
  timer.unref();
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}
