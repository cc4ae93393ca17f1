// The shop's provider clients (compose/shop/services/src/providers.ts) against a provider played
// by an HTTP server in this process: what is retried, with which key, and when they give up.
// No Docker: the server listens on 127.0.0.1 and misbehaves on cue, as the journeys' WireMock stubs do.
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { expect, test } from '@playwright/test';
import { CircuitBreaker } from '../../compose/shop/services/src/circuit-breaker.ts';
import type { Logger } from '../../compose/shop/services/src/logger.ts';
import { notificationId } from '../../compose/shop/services/src/notifications.ts';
import {
  backoff,
  charge,
  ProviderRejectedError,
  ProviderUnavailableError,
  type RetryPolicy,
  sendEmail,
} from '../../compose/shop/services/src/providers.ts';

/** What the provider does with one request. */
type Behaviour =
  | { status: number; body?: unknown; delayMs?: number }
  | { fault: 'reset' | 'empty' | 'malformed-chunk' | 'garbage' };

interface Seen {
  path: string;
  idempotencyKey: string | undefined;
  body: unknown;
}

/** A provider that answers request n with script[n] (the last entry repeats). */
async function provider(script: Behaviour[]) {
  const seen: Seen[] = [];
  const sockets = new Set<Socket>();
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk) => (raw += chunk));
    req.on('end', () => {
      const behaviour = script[Math.min(seen.length, script.length - 1)]!;
      seen.push({
        path: req.url ?? '',
        idempotencyKey: req.headers['idempotency-key'] as string | undefined,
        body: JSON.parse(raw),
      });
      if ('fault' in behaviour) {
        const socket = req.socket;
        if (behaviour.fault === 'reset') socket.resetAndDestroy();
        else if (behaviour.fault === 'empty') socket.destroy();
        else if (behaviour.fault === 'garbage') socket.end('lorem ipsum, not HTTP\r\n\r\n');
        else
          socket.end(
            'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{"id"',
          );
        return;
      }
      setTimeout(() => {
        if (res.destroyed) return;
        res.writeHead(behaviour.status, { 'content-type': 'application/json' });
        res.end(behaviour.body === undefined ? '' : JSON.stringify(behaviour.body));
      }, behaviour.delayMs ?? 0);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function recordingLog(): Logger & { lines: { level: string; msg: string; fields?: Record<string, unknown> }[] } {
  const lines: { level: string; msg: string; fields?: Record<string, unknown> }[] = [];
  const log = {
    lines,
    debug: (msg: string, fields?: Record<string, unknown>) => void lines.push({ level: 'debug', msg, fields }),
    info: (msg: string, fields?: Record<string, unknown>) => void lines.push({ level: 'info', msg, fields }),
    warn: (msg: string, fields?: Record<string, unknown>) => void lines.push({ level: 'warn', msg, fields }),
    error: (msg: string, fields?: Record<string, unknown>) => void lines.push({ level: 'error', msg, fields }),
    child: () => log,
  };
  return log;
}

// The real policies with short timings, so timeouts take 300 ms here instead of 2 s.
const fast: RetryPolicy = { attempts: 3, timeoutMs: 300, baseDelayMs: 10, maxDelayMs: 50 };
const order = { orderId: '0c7feb53-ac27-466a-89e6-528d9d7676eb', amountCents: 2100, cardToken: 'tok_visa' };
const captured = { status: 201, body: { id: 'ch_123', status: 'captured' } };

test.describe('charge', () => {
  const cases: [string, Behaviour[]][] = [
    ['a slow answer (past the timeout), then a normal one', [{ ...captured, delayMs: 1000 }, captured]],
    ['503, 503, then 201', [{ status: 503 }, { status: 503 }, captured]],
    ['a connection reset, then 201', [{ fault: 'reset' }, captured]],
    ['a connection closed without an answer, then 201', [{ fault: 'empty' }, captured]],
    ['a malformed chunk after a 200 status line, then 201', [{ fault: 'malformed-chunk' }, captured]],
    ['garbage instead of HTTP, then 201', [{ fault: 'garbage' }, captured]],
    ['429 and 408, then 201', [{ status: 429 }, { status: 408 }, captured]],
    ['a 201 without a charge id, then a proper one', [{ status: 201, body: { status: 'captured' } }, captured]],
  ];
  for (const [what, script] of cases) {
    test(`is retried with the same idempotency key: ${what}`, async () => {
      const p = await provider(script);
      try {
        const log = recordingLog();
        const result = await charge(p.url, order, log, fast);
        expect(result).toEqual({ outcome: 'captured', chargeId: 'ch_123' });
        expect(p.seen.length).toBe(script.length);
        expect(p.seen.every((s) => s.idempotencyKey === order.orderId && s.path === '/v1/charges')).toBe(true);
        expect(log.lines.filter((l) => l.msg.includes('retrying'))).toHaveLength(script.length - 1);
      } finally {
        await p.close();
      }
    });
  }

  test('402 is a final decline: one request, the reason passed on', async () => {
    const p = await provider([{ status: 402, body: { status: 'declined', reason: 'insufficient_funds' } }]);
    try {
      expect(await charge(p.url, order, recordingLog(), fast)).toEqual({
        outcome: 'declined',
        reason: 'insufficient_funds',
      });
      expect(p.seen).toHaveLength(1);
    } finally {
      await p.close();
    }
  });

  test('after 3 failed attempts: ProviderUnavailableError, nothing more sent', async () => {
    const p = await provider([{ status: 503 }]);
    try {
      const failure = await charge(p.url, order, recordingLog(), fast).catch((err: unknown) => err);
      expect(failure).toBeInstanceOf(ProviderUnavailableError);
      expect(failure).toMatchObject({ attempts: 3, lastFailure: 'answered 503' });
      expect(p.seen.map((s) => s.idempotencyKey)).toEqual([order.orderId, order.orderId, order.orderId]);
    } finally {
      await p.close();
    }
  });

  test('timeouts every time: gives up after attempts x timeout plus backoff', async () => {
    const p = await provider([{ ...captured, delayMs: 2000 }]);
    try {
      const started = performance.now();
      const failure = await charge(p.url, order, recordingLog(), fast).catch((err: unknown) => err);
      const ms = performance.now() - started;
      expect(failure).toMatchObject({ name: 'ProviderUnavailableError', lastFailure: 'no answer within 300 ms' });
      expect(p.seen).toHaveLength(3);
      expect(ms).toBeGreaterThanOrEqual(900);
      expect(ms).toBeLessThan(1800); // 3 x 300 ms + at most 12 + 24 ms of backoff, on a busy machine
    } finally {
      await p.close();
    }
  });

  test('another 4xx is our fault: rejected at once, not retried', async () => {
    const p = await provider([{ status: 400, body: { error: 'amountCents must be positive' } }]);
    try {
      const failure = await charge(p.url, order, recordingLog(), fast).catch((err: unknown) => err);
      expect(failure).toBeInstanceOf(ProviderRejectedError);
      expect(failure).toMatchObject({ status: 400 });
      expect(p.seen).toHaveLength(1);
    } finally {
      await p.close();
    }
  });

  test('nothing listening: connection refused is retried, then unavailable', async () => {
    const p = await provider([captured]);
    await p.close();
    const failure = await charge(p.url, order, recordingLog(), fast).catch((err: unknown) => err);
    expect(failure).toMatchObject({ name: 'ProviderUnavailableError', attempts: 3 });
    expect((failure as ProviderUnavailableError).lastFailure).toContain('ECONNREFUSED');
  });
});

test.describe('the charge breaker', () => {
  test('opens after 5 failed attempts in a row, calls nothing while open, probes once after its pause', async () => {
    const p = await provider([{ status: 503 }]);
    let now = 1_000_000;
    const breaker = new CircuitBreaker('payment provider', { failures: 5, pauseMs: 3000 }, recordingLog(), () => now);
    const chargeThrough = () => charge(p.url, order, recordingLog(), fast, breaker).catch((err: unknown) => err);
    try {
      expect(await chargeThrough()).toMatchObject({ attempts: 3 }); // 3 failures
      // The 5th failure opens it: the 3rd attempt of this order is not sent.
      expect(await chargeThrough()).toMatchObject({ attempts: 2, lastFailure: expect.stringMatching(/circuit open/) });
      expect(p.seen).toHaveLength(5);
      expect(breaker.state).toBe('open');
      expect(await chargeThrough()).toBeInstanceOf(ProviderUnavailableError);
      expect(p.seen).toHaveLength(5);
      now += 2999;
      await chargeThrough();
      expect(p.seen).toHaveLength(5);
      now += 1;
      expect(breaker.state).toBe('half-open');
      // One probe: it fails, and the breaker opens again without a retry.
      expect(await chargeThrough()).toMatchObject({ attempts: 1 });
      expect(p.seen).toHaveLength(6);
      expect(breaker.state).toBe('open');
    } finally {
      await p.close();
    }
  });

  test('a probe that succeeds closes it: the next failures count from zero', async () => {
    const p = await provider([
      { status: 503 },
      { status: 503 },
      { status: 503 },
      { status: 503 },
      { status: 503 },
      captured,
      { status: 503 },
    ]);
    let now = 0;
    const breaker = new CircuitBreaker('payment provider', { failures: 5, pauseMs: 100 }, recordingLog(), () => now);
    try {
      await charge(p.url, order, recordingLog(), fast, breaker).catch(() => undefined);
      await charge(p.url, order, recordingLog(), fast, breaker).catch(() => undefined);
      expect(breaker.state).toBe('open');
      now += 100;
      expect(await charge(p.url, order, recordingLog(), fast, breaker)).toEqual({
        outcome: 'captured',
        chargeId: 'ch_123',
      });
      expect(breaker.state).toBe('closed');
      // 503 from here on: three attempts again before it gives up (not one: the count restarted).
      expect(await charge(p.url, order, recordingLog(), fast, breaker).catch((err: unknown) => err)).toMatchObject({
        attempts: 3,
      });
      expect(breaker.state).toBe('closed');
    } finally {
      await p.close();
    }
  });
});

test.describe('sendEmail', () => {
  test('a reset and a 500, then accepted: three requests, one key', async () => {
    const p = await provider([{ fault: 'reset' }, { status: 500 }, { status: 202, body: { id: 'em_1' } }]);
    try {
      const key = notificationId(order.orderId, 'orders.paid');
      const email = { to: 'c-1@example.com', template: 'order-confirmed', orderId: order.orderId, variables: {} };
      expect(await sendEmail(p.url, email, key, recordingLog(), fast)).toEqual({ messageId: 'em_1' });
      expect(p.seen.map((s) => [s.path, s.idempotencyKey])).toEqual([
        ['/v1/emails', key],
        ['/v1/emails', key],
        ['/v1/emails', key],
      ]);
    } finally {
      await p.close();
    }
  });
});

test('notification ids: one per order and outcome, the same on every delivery, a valid UUID v5', () => {
  const a = notificationId('0c7feb53-ac27-466a-89e6-528d9d7676eb', 'orders.paid');
  expect(notificationId('0c7feb53-ac27-466a-89e6-528d9d7676eb', 'orders.paid')).toBe(a);
  expect(notificationId('0c7feb53-ac27-466a-89e6-528d9d7676eb', 'orders.payment_failed')).not.toBe(a);
  expect(notificationId('1c7feb53-ac27-466a-89e6-528d9d7676eb', 'orders.paid')).not.toBe(a);
  expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
});

test('backoff doubles from the base, stays within ±20 %, and is capped', () => {
  const policy: RetryPolicy = { attempts: 5, timeoutMs: 2000, baseDelayMs: 200, maxDelayMs: 1000 };
  expect([1, 2, 3, 4].map((n) => backoff(policy, n, () => 0.5))).toEqual([200, 400, 800, 1000]);
  expect(backoff(policy, 1, () => 0)).toBe(160);
  expect(backoff(policy, 1, () => 1)).toBe(240);
});
