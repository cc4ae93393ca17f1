// `toHaveReceived(request, { gaps, quiet })` without a WireMock: the judging of the gaps between
// matching requests and of a quiet period (pure, over loggedDates), its options refused when they
// cannot mean anything, and the matcher over a journal held in memory: that it waits for the quiet
// period, sees a request arriving inside it, and says which rule broke and by how much.
import { expect as playwrightExpect, test } from '@playwright/test';
import { expect } from 'compose-journeys';
import type { WireMockAdmin } from '../../src/wiremock/admin.ts';
import { judgeRequestTiming, requestTimingOf } from '../../src/wiremock/request-timing.ts';
import type { LoggedRequest, RequestPattern } from '../../src/wiremock/types.ts';
import { WireMock } from '../../src/wiremock/wiremock.ts';
import { failureOf } from '../support/failure-of.ts';

const at = (...dates: number[]) => dates;
const judge = (dates: number[], timing: Parameters<typeof judgeRequestTiming>[1]) =>
  judgeRequestTiming(dates, timing, { startedAt: 0 });

test('gaps atLeast and atMost: each gap between consecutive requests, the boundary included, and by how much it misses', () => {
  playwrightExpect(judge(at(0, 100, 250), { gaps: { atLeast: 100, atMost: 150 } }).violations).toEqual([]);
  playwrightExpect(judge(at(0, 100, 160, 400), { gaps: { atLeast: 100, atMost: 200 } }).violations).toEqual([
    'gap 2 (60 ms) is not ≥ 100 ms (40 ms short)',
    'gap 3 (240 ms) is not ≤ 200 ms (40 ms over)',
  ]);
  // Two requests in the same millisecond: a gap of 0.
  playwrightExpect(judge(at(5, 5), { gaps: { atLeast: 1 } }).violations).toEqual([
    'gap 1 (0 ms) is not ≥ 1 ms (1 ms short)',
  ]);
});

test('gaps growing: each gap at least the factor times the one before, with the arithmetic shown', () => {
  // A backoff of 200, 400, 800 ms grows by 2.
  playwrightExpect(judge(at(0, 200, 600, 1400), { gaps: { growing: 2 } }).violations).toEqual([]);
  playwrightExpect(judge(at(0, 200, 500, 950), { gaps: { growing: 1.5 } }).violations).toEqual([]); // 300 = 1.5 × 200 exactly
  playwrightExpect(judge(at(1000, 1200, 1388), { gaps: { growing: 1.5 } }).violations).toEqual([
    'gap 2 (188 ms) is not ≥ 1.5 × gap 1 (200 ms) = 300 ms (112 ms short)',
  ]);
  playwrightExpect(judge(at(0, 201, 500), { gaps: { growing: 1.5 } }).violations).toEqual([
    'gap 2 (299 ms) is not ≥ 1.5 × gap 1 (201 ms) = 301.5 ms (2.5 ms short)',
  ]);
  // A factor below 1 lets gaps shrink, but only so far.
  playwrightExpect(judge(at(0, 400, 600), { gaps: { growing: 0.5 } }).violations).toEqual([]);
  playwrightExpect(judge(at(0, 400, 590), { gaps: { growing: 0.5 } }).violations).toEqual([
    'gap 2 (190 ms) is not ≥ 0.5 × gap 1 (400 ms) = 200 ms (10 ms short)',
  ]);
  // Constant gaps do not grow; with one gap there is nothing to compare.
  playwrightExpect(judge(at(0, 200, 400, 600), { gaps: { growing: 1.5 } }).violations).toHaveLength(2);
  playwrightExpect(judge(at(0, 200), { gaps: { growing: 1.5 } }).violations).toEqual([]);
});

test('gaps need two requests', () => {
  playwrightExpect(judge(at(10), { gaps: { atLeast: 1 } }).violations).toEqual([
    'gaps need at least 2 matching requests; there was 1.',
  ]);
  playwrightExpect(judge(at(), { gaps: { growing: 2 } }).violations).toEqual([
    'gaps need at least 2 matching requests; there were 0.',
  ]);
});

test('quiet: no request within `for` ms after the n-th (default the last), the boundary allowed; an intruder named with its offset', () => {
  playwrightExpect(judge(at(100, 200), { quiet: { for: 1000 } }).violations).toEqual([]);
  playwrightExpect(judge(at(100, 200, 1200), { quiet: { for: 1000, after: 2 } }).violations).toEqual([]); // exactly 1000 ms later
  playwrightExpect(judge(at(100, 200, 612, 900), { quiet: { for: 1000, after: 2 } }).violations).toEqual([
    'request 3 (+612 ms) came 412 ms after request 2, inside the 1000 ms that were to be quiet (588 ms early)',
    'request 4 (+900 ms) came 700 ms after request 2, inside the 1000 ms that were to be quiet (300 ms early)',
  ]);
  playwrightExpect(judge(at(100, 200), { quiet: { for: 500, after: 3 } }).violations).toEqual([
    'quiet after request 3: there were 2.',
  ]);
  playwrightExpect(judge(at(), { quiet: { for: 500 } }).violations).toEqual(['quiet after request 0: there were 0.']);
});

test('the table: every request with its time since the test started and its gap, broken ones marked, the quiet period drawn', () => {
  const verdict = judgeRequestTiming(
    [1000, 1200, 1388, 1800, 2000],
    { gaps: { growing: 1.5 }, quiet: { for: 500, after: 4 } },
    { startedAt: 0, labels: Array(5).fill('POST /v1/charges') },
  );
  playwrightExpect(verdict.table).toBe(
    [
      '  1. +1000 ms                  POST /v1/charges',
      '  2. +1200 ms  gap 1: 200 ms   POST /v1/charges',
      '  3. +1388 ms  gap 2: 188 ms ✗ POST /v1/charges',
      '  4. +1800 ms  gap 3: 412 ms   POST /v1/charges',
      '     ┄ quiet for 500 ms after request 4, until +2300 ms',
      '  5. +2000 ms  gap 4: 200 ms ✗ POST /v1/charges',
    ].join('\n'),
  );
  playwrightExpect(verdict.violations).toEqual([
    'gap 2 (188 ms) is not ≥ 1.5 × gap 1 (200 ms) = 300 ms (112 ms short)',
    'gap 4 (200 ms) is not ≥ 1.5 × gap 3 (412 ms) = 618 ms (418 ms short)',
    'request 5 (+2000 ms) came 200 ms after request 4, inside the 500 ms that were to be quiet (300 ms early)',
  ]);
  // WireMock's clock behind the test's: the offset is shown negative, not hidden as +0.
  playwrightExpect(judgeRequestTiming([900, 1100], {}, { startedAt: 1000 }).table).toBe(
    '  1. -100 ms\n  2. +100 ms  gap 1: 200 ms',
  );
});

test('timing options that cannot mean anything are refused, naming the option', () => {
  const refused = (options: Parameters<typeof requestTimingOf>[0]) => () => requestTimingOf(options);
  playwrightExpect(requestTimingOf({ times: 3 })).toBeUndefined();
  playwrightExpect(requestTimingOf({ times: 3, gaps: { growing: 1.5 }, quiet: { for: 3000 } })).toEqual({
    gaps: { growing: 1.5 },
    quiet: { for: 3000 },
  });
  playwrightExpect(refused({ gaps: { atLeast: -1 } })).toThrow(
    'toHaveReceived(request, { gaps: { atLeast } }): a number of ms ≥ 0, got -1.',
  );
  playwrightExpect(refused({ gaps: { atMost: -5 } })).toThrow('{ gaps: { atMost } }): a number of ms ≥ 0, got -5.');
  playwrightExpect(refused({ gaps: { growing: 0 } })).toThrow(
    'toHaveReceived(request, { gaps: { growing } }): a factor > 0 (each gap at least this many times the one before), got 0.',
  );
  playwrightExpect(refused({ gaps: { growing: -1.5 } })).toThrow('{ gaps: { growing } }): a factor > 0');
  playwrightExpect(refused({ gaps: { growing: Number.NaN } })).toThrow('{ gaps: { growing } }): a factor > 0');
  playwrightExpect(refused({ gaps: { growing: '1.5' } })).toThrow('got "1.5"');
  playwrightExpect(refused({ gaps: { atLeast: 500, atMost: 100 } })).toThrow(
    'atLeast (500 ms) is more than atMost (100 ms); no gap can keep both.',
  );
  playwrightExpect(refused({ gaps: {} })).toThrow('{ gaps }): an object with atLeast, atMost (ms) or growing');
  playwrightExpect(refused({ gaps: 1.5 })).toThrow('{ gaps }): an object with atLeast, atMost (ms) or growing');
  playwrightExpect(refused({ gaps: { growing: 2, grow: 2 } })).toThrow(
    '{ gaps }): unknown field "grow"; gaps has atLeast, atMost, growing.',
  );
  playwrightExpect(refused({ times: 1, gaps: { atLeast: 10 } })).toThrow(
    '{ times: 1, gaps }): gaps are between requests, so they need times ≥ 2.',
  );
  playwrightExpect(refused({ quiet: { after: 2 } })).toThrow('{ quiet }): { for: ms, after?: n }, e.g. { for: 3000 }');
  playwrightExpect(refused({ quiet: { for: 0 } })).toThrow('{ quiet: { for } }): a number of ms > 0, got 0.');
  playwrightExpect(refused({ quiet: { for: -100 } })).toThrow('{ quiet: { for } }): a number of ms > 0, got -100.');
  playwrightExpect(refused({ quiet: { for: 100, after: 0 } })).toThrow(
    '{ quiet: { after } }): a whole number ≥ 1 (after the n-th request), got 0.',
  );
  playwrightExpect(refused({ quiet: { for: 100, after: 1.5 } })).toThrow('{ quiet: { after } }): a whole number ≥ 1');
  playwrightExpect(refused({ quiet: { for: 100, until: 5 } })).toThrow('unknown field "until"; quiet has for, after.');
  playwrightExpect(refused({ times: 0, quiet: { for: 100 } })).toThrow('no request to be quiet after');
  playwrightExpect(refused({ times: 2, quiet: { for: 100, after: 3 } })).toThrow(
    '{ times: 2, quiet: { after: 3 } }): after must be ≤ times',
  );
});

// The matcher over a journal held in memory: requests by urlPath and the journey's header.
const JOURNEY = 'cj1-retry-backoff-0a1b2c';

function fakeWireMock(journal: LoggedRequest[], startedAt: number): WireMock {
  const matches = (pattern: RequestPattern, logged: LoggedRequest) =>
    (pattern.urlPath === undefined || logged.url === pattern.urlPath) &&
    Object.entries(pattern.headers ?? {}).every(
      ([name, matcher]) => logged.headers?.[name] === (matcher as { equalTo: string }).equalTo,
    );
  const admin = {
    service: 'payment-provider',
    baseUrl: 'http://127.0.0.1:1',
    findRequests: async (pattern: RequestPattern) => journal.filter((logged) => matches(pattern, logged)),
    serveEvents: async () => [],
  } as unknown as WireMockAdmin;
  return new WireMock(admin, {
    correlationId: JOURNEY,
    correlationHeader: 'x-correlation-id',
    test: 't',
    startedAt,
    record: () => {},
  });
}

const charge = (loggedDate: number): LoggedRequest => ({
  method: 'POST',
  url: '/v1/charges',
  headers: { 'x-correlation-id': JOURNEY },
  loggedDate,
});
const CHARGES = { method: 'POST', urlPath: '/v1/charges' };

test('a retry whose backoff grows passes { times, gaps }; constant retries fail with the rule, the shortfall and the table', async () => {
  const started = Date.now() - 5_000;
  const backoff = fakeWireMock([charge(started + 100), charge(started + 300), charge(started + 700)], started);
  await expect(backoff).toHaveReceived(CHARGES, { times: 3, gaps: { growing: 1.5, atMost: 1000 }, timeout: 200 });

  const constant = fakeWireMock([charge(started + 100), charge(started + 300), charge(started + 500)], started);
  const message = await failureOf(
    expect(constant).toHaveReceived(CHARGES, { times: 3, gaps: { growing: 1.5 }, timeout: 200 }),
  );
  playwrightExpect(message).toContain(
    'expect(wiremock "payment-provider").toHaveReceived({ method: "POST", urlPath: "/v1/charges" }, { times: 3, gaps: { growing: 1.5 }, timeout: 200 })',
  );
  playwrightExpect(message).toContain(
    'The 3 requests matching POST /v1/charges from this journey broke gaps: { growing: 1.5 }:\n  ✗ gap 2 (200 ms) is not ≥ 1.5 × gap 1 (200 ms) = 300 ms (100 ms short)\nEach with its time since the test started and its gap from the one before:\n  1. +100 ms',
  );
  playwrightExpect(message).toContain('  3. +500 ms  gap 2: 200 ms ✗ POST /v1/charges');
});

test('gaps without times judge the first two found; fewer than two within the timeout fails naming what it waited for', async () => {
  const started = Date.now();
  const one = fakeWireMock([charge(started + 10)], started);
  const message = await failureOf(expect(one).toHaveReceived(CHARGES, { gaps: { atLeast: 100 }, timeout: 200 }));
  playwrightExpect(message).toContain(
    'Expected at least 2 requests matching POST /v1/charges from this journey within 200 ms (to judge gaps: { atLeast: 100 }), wiremock "payment-provider" received 1.',
  );
  playwrightExpect(message).toContain('  1. +10 ms');
  // With times, the count is judged first: too many is said so, and the timing too.
  const three = fakeWireMock([charge(started + 10), charge(started + 20), charge(started + 200)], started);
  const tooMany = await failureOf(
    expect(three).toHaveReceived(CHARGES, { times: 2, gaps: { atLeast: 100 }, timeout: 200 }),
  );
  playwrightExpect(tooMany).toContain(
    'Expected exactly 2 requests matching POST /v1/charges from this journey, wiremock "payment-provider" received 3.\nTheir timing (gaps: { atLeast: 100 }) broke too:\n  ✗ gap 1 (10 ms) is not ≥ 100 ms (90 ms short)',
  );
});

test('quiet waits until `for` ms after the request it starts at by WireMock’s clock, then passes', async () => {
  const started = Date.now();
  // WireMock's clock 700 ms ahead of ours: the quiet period ends at its loggedDate + for.
  const ahead = fakeWireMock([charge(started + 700)], started);
  await expect(ahead).toHaveReceived(CHARGES, { quiet: { for: 300 }, timeout: 200 });
  playwrightExpect(Date.now() - started).toBeGreaterThanOrEqual(1000);
});

test("quiet tolerates WireMock's clock lagging ours: the period runs from when the request was first seen, if later", async () => {
  const started = Date.now();
  const lagging = fakeWireMock([charge(started - 10_000)], started);
  await expect(lagging).toHaveReceived(CHARGES, { quiet: { for: 500 }, timeout: 200 });
  playwrightExpect(Date.now() - started).toBeGreaterThanOrEqual(500);
});

test('a request arriving inside the quiet period fails it, named with its offset, without waiting the period out', async () => {
  const started = Date.now();
  const journal = [charge(Date.now())];
  const wiremock = fakeWireMock(journal, started);
  setTimeout(() => journal.push(charge(Date.now())), 300);
  const message = await failureOf(expect(wiremock).toHaveReceived(CHARGES, { quiet: { for: 5_000 }, timeout: 200 }));
  playwrightExpect(Date.now() - started).toBeLessThan(5_000);
  playwrightExpect(message).toContain(
    'The 2 requests matching POST /v1/charges from this journey broke quiet: { for: 5000, after: 1 }:',
  );
  playwrightExpect(message).toMatch(
    /✗ request 2 \(\+\d+ ms\) came (\d+) ms after request 1, inside the 5000 ms that were to be quiet \(\d+ ms early\)/,
  );
  const since = Number(/came (\d+) ms after request 1/.exec(message)![1]);
  playwrightExpect(since).toBeGreaterThanOrEqual(250);
  playwrightExpect(since).toBeLessThan(5_000);
  playwrightExpect(message).toContain('┄ quiet for 5000 ms after request 1');
});

test('times, gaps and quiet together: a circuit breaker that retried with backoff, then stopped', async () => {
  const now = Date.now();
  const attempts = [now - 1500, now - 1400, now - 1200, now - 800, now - 100];
  const breaker = fakeWireMock(attempts.map(charge), now - 2000);
  await expect(breaker).toHaveReceived(CHARGES, {
    times: 5,
    gaps: { growing: 1.5 },
    quiet: { for: 400 },
    timeout: 200,
  });
  // One more call inside the quiet period: the count and the quiet period both say so.
  const leaky = fakeWireMock([...attempts, now].map(charge), now - 2000);
  const message = await failureOf(
    expect(leaky).toHaveReceived(CHARGES, { times: 5, quiet: { for: 400 }, timeout: 200 }),
  );
  playwrightExpect(message).toContain('Expected exactly 5 requests matching POST /v1/charges from this journey');
  playwrightExpect(message).toContain(
    '✗ request 6 (+2000 ms) came 100 ms after request 5, inside the 400 ms that were to be quiet (300 ms early)',
  );
});

test('.not with gaps or quiet is refused; bad timing options fail naming the option', async () => {
  const wiremock = fakeWireMock([], Date.now());
  playwrightExpect(
    await failureOf(expect(wiremock).not.toHaveReceived(CHARGES, { gaps: { atLeast: 100 }, timeout: 100 })),
  ).toContain('expect(wiremock()).not.toHaveReceived(…, { gaps | quiet }) is refused');
  playwrightExpect(
    await failureOf(expect(wiremock).not.toHaveReceived(CHARGES, { quiet: { for: 100 }, timeout: 100 })),
  ).toContain('is refused');
  playwrightExpect(await failureOf(expect(wiremock).toHaveReceived(CHARGES, { gaps: { growing: -1 } }))).toContain(
    'toHaveReceived(request, { gaps: { growing } }): a factor > 0',
  );
});
