// Stub behaviours built from WireMock scenarios, without a WireMock: a seeded share of failures and a
// rate limit become mappings whose scenario states (played here as WireMock plays them) give the
// promised answers; the seeded pattern is reproducible; the rate limit's window is reset on a timer
// that stops with the stub; bad input is refused before WireMock sees it.
import { expect, test } from '@playwright/test';
import { mulberry32 } from '../../src/util/mulberry32.ts';
import type { WireMockAdmin } from '../../src/wiremock/admin.ts';
import { DEFAULT_FAILING_SEED, failingSteps } from '../../src/wiremock/failing-share.ts';
import { describeStub, stubMappings, type WireMockMapping } from '../../src/wiremock/stub-mapping.ts';
import type { ResponseDefinition, StubDefinition } from '../../src/wiremock/types.ts';
import { WireMock } from '../../src/wiremock/wiremock.ts';

const JOURNEY = 'cj1-flaky-provider-0a1b2c';
const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const context = {
  tag: { correlationId: JOURNEY, test: 'flaky provider', pid: 42 },
  marks: { correlationId: JOURNEY, correlationHeader: 'x-correlation-id', propagation: 'correlation' as const },
  scope: 'journey' as const,
  sequence: 1,
};
const CHARGES = { method: 'POST', urlPath: '/v1/charges' };
const OK: ResponseDefinition = { status: 201 };
const RESET: ResponseDefinition = { fault: 'CONNECTION_RESET_BY_PEER' };

/**
 * WireMock's scenario rules, played over one mark's mappings: a request gets the mapping whose
 * required state is the scenario's (or that requires none), and moves the scenario to its new state.
 */
function play(mappings: readonly WireMockMapping[], requests: number, state = { current: 'Started' }) {
  const answers: ResponseDefinition[] = [];
  for (let n = 0; n < requests; n++) {
    const mapping = mappings.find(
      (m) => m.requiredScenarioState === undefined || m.requiredScenarioState === state.current,
    );
    if (!mapping) throw new Error(`no mapping for state "${state.current}"`);
    answers.push(mapping.response as ResponseDefinition);
    if (typeof mapping.newScenarioState === 'string') state.current = mapping.newScenarioState;
  }
  return answers;
}
const failed = (answers: readonly ResponseDefinition[]) =>
  answers.flatMap((answer, index) => (answer.fault || answer.status === 503 ? [index + 1] : []));

test('mulberry32 is the reference generator: the same numbers from a seed, in [0, 1)', () => {
  // The published reference (bryc/code, PRNGs.md), written out here to check ours against.
  const reference = (seed: number) => {
    let a = seed;
    return () => {
      a += 0x6d2b79f5;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  };
  for (const seed of [1, 42, 123_456_789]) {
    expect(Array.from({ length: 1000 }, mulberry32(seed))).toEqual(Array.from({ length: 1000 }, reference(seed)));
  }
  const draws = Array.from({ length: 10_000 }, mulberry32(7));
  expect(draws.every((x) => x >= 0 && x < 1)).toBe(true);
  expect(Math.abs(draws.reduce((sum, x) => sum + x, 0) / draws.length - 0.5)).toBeLessThan(0.02);
});

test('failing steps: exactly round(share × cycle) distinct steps of the cycle; the same seed, the same steps', () => {
  for (const [share, cycle] of [
    [0.3, 20],
    [0.5, 10],
    [0.05, 20],
    [0.33, 100],
    [1, 7],
  ] as const) {
    const steps = failingSteps({ share, cycle, seed: 42 });
    expect(steps, `${share} of ${cycle}`).toHaveLength(Math.round(share * cycle));
    expect(new Set(steps).size).toBe(steps.length);
    expect(steps.every((step) => Number.isInteger(step) && step >= 1 && step <= cycle)).toBe(true);
    expect([...steps].sort((a, b) => a - b)).toEqual(steps);
    expect(failingSteps({ share, cycle, seed: 42 })).toEqual(steps);
  }
  expect(failingSteps({ share: 1, cycle: 7 })).toEqual([1, 2, 3, 4, 5, 6, 7]);
  // Seeds pick different steps (of 38760 ways to pick 6 of 20, these three seeds do not all agree).
  const patterns = new Set([1, 2, 3].map((seed) => failingSteps({ share: 0.3, seed }).join()));
  expect(patterns.size).toBeGreaterThan(1);
  // No seed given: the documented default, 1, and 20 steps.
  expect(DEFAULT_FAILING_SEED).toBe(1);
  expect(failingSteps({ share: 0.3 })).toEqual(failingSteps({ share: 0.3, seed: 1, cycle: 20 }));
});

test('a failing stub is a scenario of `cycle` steps that wraps round: the pattern the seed picks, again and again', () => {
  const failing = { share: 0.3, answer: RESET, seed: 42 };
  const mappings = stubMappings({ name: 'flaky', request: CHARGES, response: OK, failing }, context);
  expect(mappings).toHaveLength(20);
  expect(new Set(mappings.map((m) => m.scenarioName))).toEqual(new Set([`${JOURNEY} flaky #1`]));
  expect(mappings.map((m) => m.requiredScenarioState)).toEqual([
    'Started',
    ...Array.from({ length: 19 }, (_, i) => `answered ${i + 1}`),
  ]);
  expect(mappings.map((m) => m.newScenarioState)).toEqual([
    ...Array.from({ length: 19 }, (_, i) => `answered ${i + 1}`),
    'Started',
  ]);
  const steps = failingSteps(failing);
  expect(mappings.filter((m) => m.response === RESET).map((m) => m.name)).toEqual(
    steps.map((step) => `flaky (${step}/20: fails)`),
  );
  // Played as WireMock plays them: 30 % fail, at the seed's steps, the same over two cycles.
  const answers = play(mappings, 40);
  expect(failed(answers.slice(0, 20))).toEqual(steps);
  expect(failed(answers.slice(20))).toEqual(steps);
  expect(answers.filter((answer) => answer === OK)).toHaveLength(28);
  // Every mapping is the journey's, at the stub priority, tagged.
  for (const mapping of mappings) {
    expect(mapping.request.headers).toEqual({ 'x-correlation-id': { equalTo: JOURNEY } });
    expect(mapping).toMatchObject({ priority: 1, metadata: { journeys: { correlationId: JOURNEY } } });
  }
  // A cycle of its own length, and the default name of the scenario.
  const short = stubMappings(
    { request: CHARGES, response: OK, failing: { share: 0.5, answer: { status: 503 }, cycle: 4 } },
    { ...context, sequence: 3 },
  );
  expect(short.map((m) => m.scenarioName)).toEqual(Array(4).fill(`${JOURNEY} failing #3`));
  expect(failed(play(short, 8))).toEqual([
    ...failingSteps({ share: 0.5, cycle: 4 }),
    ...failingSteps({ share: 0.5, cycle: 4 }).map((step) => step + 4),
  ]);
});

test("a journey's failing stub is written once per mark; both share the one cycle", () => {
  const marks = { ...context.marks, traceId: TRACE, propagation: 'both' as const };
  const mappings = stubMappings(
    { request: CHARGES, response: OK, failing: { share: 0.25, answer: RESET, cycle: 8 } },
    { ...context, marks },
  );
  expect(mappings).toHaveLength(16);
  expect(new Set(mappings.map((m) => m.scenarioName)).size).toBe(1);
  const byTrace = mappings.filter((m) => m.request.headers?.traceparent);
  const byCorrelation = mappings.filter((m) => m.request.headers?.['x-correlation-id']);
  expect(byTrace.map((m) => [m.requiredScenarioState, m.newScenarioState, m.response])).toEqual(
    byCorrelation.map((m) => [m.requiredScenarioState, m.newScenarioState, m.response]),
  );
  // Requests alternating between the marks advance the one scenario.
  const state = { current: 'Started' };
  const answers = Array.from({ length: 8 }, (_, n) => play(n % 2 ? byTrace : byCorrelation, 1, state)[0]!);
  expect(failed(answers)).toEqual(failingSteps({ share: 0.25, cycle: 8 }));
});

test('a rate limit is N steps answering the response, then a 429 with Retry-After that keeps its state until the window starts over', () => {
  const mappings = stubMappings(
    { request: CHARGES, response: OK, rateLimit: { requests: 3, windowMs: 1500 } },
    { ...context, sequence: 2 },
  );
  expect(mappings).toHaveLength(4);
  // Its scenario is reset through the admin API's path, which WireMock does not decode: URL-safe.
  expect(mappings.map((m) => m.scenarioName)).toEqual(Array(4).fill(`${JOURNEY}.rate-limit.2`));
  expect(mappings.map((m) => [m.requiredScenarioState, m.newScenarioState])).toEqual([
    ['Started', 'answered 1'],
    ['answered 1', 'answered 2'],
    ['answered 2', 'answered 3'],
    ['answered 3', undefined],
  ]);
  expect(mappings[3]!.response).toEqual({ status: 429, headers: { 'Retry-After': '2' } }); // ceil(1.5 s)
  const state = { current: 'Started' };
  expect(play(mappings, 6, state).map((answer) => answer.status)).toEqual([201, 201, 201, 429, 429, 429]);
  state.current = 'Started'; // what the window's end does
  expect(play(mappings, 4, state).map((answer) => answer.status)).toEqual([201, 201, 201, 429]);

  const named = stubMappings(
    {
      name: 'prices API: 1/s #1',
      request: CHARGES,
      response: OK,
      rateLimit: { requests: 1, windowMs: 1000, retryAfterSeconds: 7 },
    },
    context,
  );
  expect(named[0]!.scenarioName).toBe(`${JOURNEY}.prices-API-1-s-1.1`);
  expect(named[0]!.scenarioName).toMatch(/^[A-Za-z0-9._~-]+$/);
  expect(named[1]!.response).toEqual({ status: 429, headers: { 'Retry-After': '7' } });
  expect(named.map((m) => m.name)).toEqual([
    'prices API: 1/s #1 (1/1 of the window)',
    'prices API: 1/s #1 (over the limit: 429)',
  ]);
});

test('on the timeline: the share with the seed and its steps, the rate limit with its window', () => {
  const steps = failingSteps({ share: 0.3, seed: 42 });
  expect(
    describeStub({ request: CHARGES, response: OK, failing: { share: 0.3, answer: RESET, seed: 42 } }, 'journey'),
  ).toBe(
    `POST /v1/charges (this journey) → 30 % fault CONNECTION_RESET_BY_PEER (seed 42: answers ${steps.join(', ')} of every 20), else 201`,
  );
  const many = failingSteps({ share: 0.5, cycle: 40 });
  expect(
    describeStub(
      { request: CHARGES, response: OK, failing: { share: 0.5, answer: { status: 503 }, cycle: 40 } },
      'all',
    ),
  ).toBe(
    `POST /v1/charges (every journey) → 50 % 503 (seed 1: answers ${many.slice(0, 8).join(', ')} … of every 40), else 201`,
  );
  expect(
    describeStub(
      { request: CHARGES, response: { status: 200 }, rateLimit: { requests: 3, windowMs: 1000 } },
      'journey',
    ),
  ).toBe('POST /v1/charges (this journey) → 200 for 3 requests per 1000 ms, then 429 (Retry-After 1)');
});

test('a failing share or rate limit that cannot mean anything fails before WireMock sees it', () => {
  // Untyped, as a JavaScript caller (or a cast) could pass it.
  const bad = (definition: Record<string, unknown>) => () =>
    stubMappings({ request: CHARGES, ...definition } as unknown as StubDefinition, context);
  const failing = { share: 0.3, answer: RESET };
  for (const share of [0, -0.1, 1.2, Number.NaN, '0.3'])
    expect(bad({ response: OK, failing: { ...failing, share } })).toThrow(
      `stub({ failing: { share } }): more than 0 and at most 1 (0.3 for 30 %), got ${JSON.stringify(share)}`,
    );
  expect(bad({ response: OK, failing: { share: 0.3 } })).toThrow(
    'stub({ failing: { answer } }): what a failing request gets',
  );
  expect(bad({ response: OK, failing: { ...failing, seed: 1.5 } })).toThrow(
    'stub({ failing: { seed } }): a whole number, got 1.5.',
  );
  for (const cycle of [0, 1001, 2.5])
    expect(bad({ response: OK, failing: { ...failing, cycle } })).toThrow(
      `stub({ failing: { cycle } }): a whole number of requests from 1 to 1000, got ${cycle}.`,
    );
  expect(bad({ response: OK, failing: { ...failing, share: 0.01 } })).toThrow(
    'stub({ failing: { share: 0.01 } }): 0.01 of a 20-request cycle rounds to no failure at all; give a longer cycle (at least 50).',
  );
  expect(bad({ response: OK, failing: { ...failing, shares: 1 } })).toThrow('unknown field "shares"');
  expect(bad({ failing })).toThrow(
    'stub({ failing }): give `response`, the answer of the requests that are not failing.',
  );
  expect(bad({ responses: [OK], failing })).toThrow('stub({ failing }): takes `response`');
  expect(bad({ response: OK, failing, scenarioName: 's' })).toThrow(
    'stub({ failing }): makes a scenario of its own; drop `scenarioName`.',
  );
  expect(bad({ response: OK, failing, rateLimit: { requests: 1, windowMs: 1000 } })).toThrow(
    '`failing` or `rateLimit`, not both',
  );

  const limit = { requests: 3, windowMs: 1000 };
  for (const requests of [0, -1, 1.5, 1001])
    expect(bad({ response: OK, rateLimit: { ...limit, requests } })).toThrow(
      `stub({ rateLimit: { requests } }): a whole number from 1 to 1000 (the requests a window lets through), got ${requests}.`,
    );
  expect(bad({ response: OK, rateLimit: { ...limit, windowMs: 50 } })).toThrow(
    'stub({ rateLimit: { windowMs } }): at least 100 ms',
  );
  expect(bad({ response: OK, rateLimit: { ...limit, retryAfterSeconds: -1 } })).toThrow(
    'stub({ rateLimit: { retryAfterSeconds } }): a whole number of seconds ≥ 0',
  );
  expect(bad({ response: OK, rateLimit: { requests: 3 } })).toThrow('stub({ rateLimit: { windowMs } })');
  expect(bad({ rateLimit: limit })).toThrow(
    'stub({ rateLimit }): give `response`, the answer of the requests that are not over the limit.',
  );
  expect(bad({ responses: [OK], rateLimit: limit })).toThrow('stub({ rateLimit }): takes `response`');
  expect(bad({ response: OK, rateLimit: limit, requiredScenarioState: 'x', newScenarioState: 'y' })).toThrow(
    'drop `requiredScenarioState`, `newScenarioState`.',
  );
});

/** A WireMock admin held in memory: the mappings added and removed, and the scenario resets asked for. */
function recordingAdmin() {
  const calls = { added: 0, removed: [] as string[], resets: [] as [string, string][], failReset: false };
  const admin = {
    service: 'payment-provider',
    baseUrl: 'http://127.0.0.1:1',
    addMapping: async () => `id-${++calls.added}`,
    removeMapping: async (id: string) => {
      calls.removed.push(id);
    },
    removeByMetadata: async () => {},
    setScenarioState: async (name: string, state: string) => {
      if (calls.failReset) throw new Error('WireMock "payment-provider" answered PUT … with 404');
      calls.resets.push([name, state]);
    },
  } as unknown as WireMockAdmin;
  return { admin, calls };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test('a rate limit starts over every window through the admin API, until its stub is removed', async () => {
  const { admin, calls } = recordingAdmin();
  const summaries: string[] = [];
  const wiremock = new WireMock(admin, {
    correlationId: JOURNEY,
    correlationHeader: 'x-correlation-id',
    propagation: 'correlation',
    test: 't',
    startedAt: Date.now(),
    record: (observation) => summaries.push(observation.summary),
  });
  const stub = await wiremock.stub({ request: CHARGES, response: OK, rateLimit: { requests: 2, windowMs: 100 } });
  expect(stub.ids).toHaveLength(3);
  expect(summaries).toEqual([
    'stub on payment-provider: POST /v1/charges (this journey) → 201 for 2 requests per 100 ms, then 429 (Retry-After 1)',
  ]);
  await sleep(350);
  expect(calls.resets.length).toBeGreaterThanOrEqual(2);
  expect(calls.resets.length).toBeLessThanOrEqual(4);
  expect(new Set(calls.resets.map(([name, state]) => `${name} → ${state}`))).toEqual(
    new Set([`${JOURNEY}.rate-limit.1 → Started`]),
  );
  await stub.remove();
  expect(calls.removed).toEqual(stub.ids);
  const afterRemove = calls.resets.length;
  await sleep(250);
  expect(calls.resets.length).toBe(afterRemove);

  // After the test, removeStubs stops every window left; a reset that fails is on the timeline.
  await wiremock.stub({ request: CHARGES, response: OK, rateLimit: { requests: 1, windowMs: 100 } });
  calls.failReset = true;
  await sleep(250);
  expect(summaries.at(-1)).toBe(
    'rate limit on payment-provider: the window could not start over (WireMock "payment-provider" answered PUT … with 404); requests stay limited',
  );
  await wiremock.removeStubs();
  const failures = summaries.length;
  await sleep(250);
  expect(summaries.length).toBe(failures);
  expect(calls.removed).toHaveLength(5);
});
