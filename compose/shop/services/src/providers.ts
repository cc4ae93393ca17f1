// Clients for the external providers (WireMock stands in for both in the
// compose stack). OpenTelemetry's undici instrumentation adds `traceparent` to
// every call, so provider-side request logs can be matched to a journey's trace.
//
// Both clients retry what a retry can fix (timeouts, connection errors, 408,
// 409, 429, 5xx, a 2xx whose body is cut or garbled) with exponential backoff,
// sending the same idempotency key on every attempt so the provider can
// recognise a repeat of a request it already carried out. Anything else is
// an answer, not a failure (402 is "card declined"; another 4xx means our
// request is wrong, which no retry changes).
import { z } from 'zod';
import { type CircuitBreaker, CircuitOpenError } from './circuit-breaker.ts';
import type { Logger } from './logger.ts';
import { sleep } from './util.ts';

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  /** Per attempt, response body included. */
  timeoutMs: number;
  /** Delay before the 2nd attempt; doubled for each one after, ±20 % jitter. */
  baseDelayMs: number;
  maxDelayMs: number;
}

// A charge holds its payment row locked (see payments.ts): 3 attempts of at most 2 s
// plus ~0.6 s of backoff keep a provider outage under 7 s per order.
export const CHARGE_RETRY: RetryPolicy = { attempts: 3, timeoutMs: 2000, baseDelayMs: 200, maxDelayMs: 2000 };
// An email that still fails is redelivered by RabbitMQ (notifications.ts), so a few quick tries suffice here.
export const EMAIL_RETRY: RetryPolicy = { attempts: 4, timeoutMs: 2000, baseDelayMs: 200, maxDelayMs: 2000 };

/** Every attempt failed in a way a retry might have fixed: the provider is unavailable. */
export class ProviderUnavailableError extends Error {
  constructor(
    readonly provider: string,
    readonly attempts: number,
    readonly lastFailure: string,
  ) {
    super(`${provider} unavailable after ${attempts} attempts: ${lastFailure}`);
    this.name = 'ProviderUnavailableError';
  }
}

/** The provider refused the request itself (a 4xx other than 402/408/409/429): retrying cannot help. */
export class ProviderRejectedError extends Error {
  constructor(
    readonly provider: string,
    readonly status: number,
    body: string,
  ) {
    super(`${provider} rejected the request: ${status} ${body.slice(0, 200)}`);
    this.name = 'ProviderRejectedError';
  }
}

export type ChargeResult = { outcome: 'captured'; chargeId: string } | { outcome: 'declined'; reason: string };

const captured = z.object({ id: z.string() });
const declined = z.object({ reason: z.string().optional() });
const emailAccepted = z.object({ id: z.string().optional() });

export async function charge(
  baseUrl: string,
  request: { orderId: string; amountCents: number; cardToken: string },
  log: Logger,
  policy: RetryPolicy = CHARGE_RETRY,
  breaker?: CircuitBreaker,
): Promise<ChargeResult> {
  // The order id is the idempotency key: one charge per order, whatever happens to us.
  return withRetries('payment provider', policy, log, breaker, async (signal) => {
    const res = await post(`${baseUrl}/v1/charges`, request, request.orderId, signal);
    // 402 Payment Required is the provider's "card declined": a final answer, not a failure.
    if (res.status === 402) {
      const body = declined.safeParse(res.json);
      return { outcome: 'declined', reason: (body.success ? body.data.reason : undefined) ?? 'card_declined' };
    }
    const body = captured.safeParse(res.json);
    if (!body.success) return retry(`a ${res.status} without a charge id: ${res.text.slice(0, 100)}`);
    return { outcome: 'captured', chargeId: body.data.id };
  });
}

export async function sendEmail(
  baseUrl: string,
  email: { to: string; template: string; orderId: string; variables: Record<string, unknown> },
  idempotencyKey: string,
  log: Logger,
  policy: RetryPolicy = EMAIL_RETRY,
): Promise<{ messageId: string | null }> {
  return withRetries('email provider', policy, log, undefined, async (signal) => {
    const res = await post(`${baseUrl}/v1/emails`, email, idempotencyKey, signal);
    // Accepted is accepted; a missing or odd id is the provider's business.
    const body = emailAccepted.safeParse(res.json);
    return { messageId: body.success ? (body.data.id ?? null) : null };
  });
}

/** Returned by an attempt to have it retried. */
interface Retry {
  readonly retry: string;
}
const retry = (why: string): Retry => ({ retry: why });
const isRetry = (value: unknown): value is Retry => typeof value === 'object' && value !== null && 'retry' in value;

/** A provider answer read in full within the attempt's timeout. */
interface Answer {
  status: number;
  text: string;
  json: unknown;
}

// Retriable answers: timeout, conflict (the same key still being processed), throttling, server errors.
const RETRIABLE_STATUS = new Set([408, 409, 429]);

async function withRetries<T>(
  provider: string,
  policy: RetryPolicy,
  log: Logger,
  breaker: CircuitBreaker | undefined,
  attempt: (signal: AbortSignal) => Promise<T | Retry>,
): Promise<T> {
  let lastFailure = '';
  for (let n = 1; n <= policy.attempts; n++) {
    const started = performance.now();
    try {
      const once = () => attempt(AbortSignal.timeout(policy.timeoutMs));
      const result = breaker ? await breaker.call(once, isRetry) : await once();
      if (!isRetry(result)) {
        if (n > 1) log.info(`${provider} answered after a retry`, { attempt: n });
        return result;
      }
      lastFailure = result.retry;
    } catch (err) {
      if (err instanceof ProviderRejectedError) throw err;
      // An open breaker is the answer for now: no retry would be let through either.
      if (err instanceof CircuitOpenError) {
        log.warn(`${provider} not called: circuit open`, { attempt: n, retryInMs: err.retryInMs });
        throw new ProviderUnavailableError(provider, n - 1, err.message);
      }
      lastFailure = describeFailure(err, policy.timeoutMs);
    }
    const ms = Math.round(performance.now() - started);
    if (n === policy.attempts) {
      log.warn(`${provider} attempt failed, giving up`, { attempt: n, of: policy.attempts, failure: lastFailure, ms });
      break;
    }
    const delayMs = backoff(policy, n);
    log.warn(`${provider} attempt failed, retrying`, {
      attempt: n,
      of: policy.attempts,
      failure: lastFailure,
      ms,
      delayMs,
    });
    await sleep(delayMs);
  }
  throw new ProviderUnavailableError(provider, policy.attempts, lastFailure);
}

export function backoff(policy: RetryPolicy, failedAttempt: number, random = Math.random): number {
  const base = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (failedAttempt - 1));
  return Math.round(base * (0.8 + 0.4 * random()));
}

/** Timeouts and connection errors (refused, reset, closed without an answer, a malformed chunk) alike. */
function describeFailure(err: unknown, timeoutMs: number): string {
  if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError'))
    return `no answer within ${timeoutMs} ms`;
  if (err instanceof Error) {
    const cause =
      err.cause instanceof Error ? `: ${(err.cause as NodeJS.ErrnoException).code ?? err.cause.message}` : '';
    return `${err.message}${cause}`;
  }
  return String(err);
}

// The idempotency key lets a real provider deduplicate a retry, including the one
// that follows a crash between its answer and our commit.
async function post(url: string, body: unknown, idempotencyKey: string, signal: AbortSignal): Promise<Answer> {
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'idempotency-key': idempotencyKey,
    },
    body: JSON.stringify(body),
    signal,
  });
  // Read the whole body inside the attempt: a connection cut mid-body fails here and is retried.
  const text = await res.text();
  if (res.status >= 500 || RETRIABLE_STATUS.has(res.status)) throw new Error(`answered ${res.status}`);
  if (res.status >= 400 && res.status !== 402) throw new ProviderRejectedError(url, res.status, text);
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, text, json };
}
