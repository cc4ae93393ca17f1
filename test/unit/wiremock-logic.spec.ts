// The wiremock fixture's logic without a WireMock: what a per-test stub becomes, what a request
// expectation becomes, how a near miss is diffed, and the matcher's failure messages over a journal
// held in memory (WireMock's matching stood in for by the same partial-JSON rules).
import { expect as playwrightExpect, test } from '@playwright/test';
import { expect } from 'compose-journeys';
import { journeyMarks } from '../../src/trace/journey-marks.ts';
import { type WireMockAdmin, wiremockErrorLines } from '../../src/wiremock/admin.ts';
import { serveEventObservation } from '../../src/wiremock/evidence.ts';
import {
  diffRequest,
  partialJsonDiff,
  type RequestExpectation,
  rankRequests,
  requestPatternOf,
} from '../../src/wiremock/request-match.ts';
import { WireMockServices } from '../../src/wiremock/services.ts';
import { describeStub, stubMappings } from '../../src/wiremock/stub-mapping.ts';
import type { LoggedRequest, RequestPattern, ServeEvent } from '../../src/wiremock/types.ts';
import { WireMock } from '../../src/wiremock/wiremock.ts';
import { failureOf } from '../support/failure-of.ts';

const JOURNEY = 'cj1-provider-timeout-0a1b2c';
/** A stack whose services forward the correlation header only (no trace context). */
const BY_CORRELATION = {
  correlationId: JOURNEY,
  correlationHeader: 'x-correlation-id',
  propagation: 'correlation' as const,
};
const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const context = {
  tag: { correlationId: JOURNEY, test: 'provider times out', pid: 42 },
  marks: BY_CORRELATION,
  scope: 'journey' as const,
  sequence: 1,
};

test('a per-test stub answers only its journey, outranks the defaults and carries the test tag', () => {
  const [mapping] = stubMappings(
    {
      request: { method: 'POST', urlPath: '/v1/charges' },
      response: { status: 503 },
      metadata: { owner: 'payments team' },
    },
    context,
  );
  playwrightExpect(mapping).toEqual({
    priority: 1,
    request: { method: 'POST', urlPath: '/v1/charges', headers: { 'x-correlation-id': { equalTo: JOURNEY } } },
    response: { status: 503 },
    metadata: { owner: 'payments team', journeys: { correlationId: JOURNEY, test: 'provider times out', pid: 42 } },
  });
  const [all] = stubMappings(
    { priority: 3, request: { urlPath: '/v1/charges' }, response: { fault: 'EMPTY_RESPONSE' } },
    { ...context, scope: 'all' },
  );
  playwrightExpect(all).toMatchObject({ priority: 3, request: { urlPath: '/v1/charges' } });
  playwrightExpect(all!.request.headers).toBeUndefined();
  // The shorthands of a request expectation work in a stub too.
  const [sugar] = stubMappings(
    {
      request: {
        method: 'POST',
        urlPath: '/v1/charges',
        headers: { 'idempotency-key': 'o-1' },
        bodyJson: { orderId: 'o-1' },
      },
      response: { status: 503 },
    },
    context,
  );
  playwrightExpect(sugar!.request).toEqual({
    method: 'POST',
    urlPath: '/v1/charges',
    headers: { 'idempotency-key': { equalTo: 'o-1' }, 'x-correlation-id': { equalTo: JOURNEY } },
    bodyPatterns: [{ equalToJson: { orderId: 'o-1' }, ignoreExtraElements: true }],
  });
});

test('responses: one answer per request in a scenario of the journey, then the defaults; own scenarios are made unique', () => {
  const mappings = stubMappings(
    {
      name: 'flaky',
      request: { urlPath: '/v1/charges' },
      responses: [{ status: 503 }, { fault: 'CONNECTION_RESET_BY_PEER' }],
    },
    { ...context, sequence: 2 },
  );
  playwrightExpect(
    mappings.map((m) => [m.name, m.scenarioName, m.requiredScenarioState, m.newScenarioState, m.response]),
  ).toEqual([
    ['flaky (1/2)', `${JOURNEY} flaky #2`, 'Started', 'answered 1', { status: 503 }],
    ['flaky (2/2)', `${JOURNEY} flaky #2`, 'answered 1', 'answered 2', { fault: 'CONNECTION_RESET_BY_PEER' }],
  ]);
  const [own] = stubMappings(
    {
      request: { urlPath: '/x' },
      response: { status: 200 },
      scenarioName: 'login',
      requiredScenarioState: 'Started',
      newScenarioState: 'in',
    },
    context,
  );
  playwrightExpect(own).toMatchObject({
    scenarioName: `${JOURNEY} login`,
    requiredScenarioState: 'Started',
    newScenarioState: 'in',
  });
  playwrightExpect(
    describeStub(
      {
        request: { method: 'POST', urlPath: '/v1/charges' },
        responses: [{ status: 201, fixedDelayMilliseconds: 2500 }, { status: 503 }],
      },
      'journey',
    ),
  ).toBe('POST /v1/charges (this journey) → 201 after 2500 ms, 503, then the defaults');
  playwrightExpect(
    describeStub(
      {
        request: { urlPathPattern: '/prices/.*' },
        response: { delayDistribution: { type: 'lognormal', median: 80, sigma: 0.4 } },
      },
      'all',
    ),
  ).toBe('ANY /prices/.* (every journey) → 200 after a lognormal (median 80 ms, sigma 0.4) delay');
});

test('a stub that cannot mean anything fails before WireMock sees it', () => {
  const bad = (definition: unknown) => () => stubMappings(definition as never, context);
  playwrightExpect(bad({ response: { status: 200 } })).toThrow('needs a request pattern');
  playwrightExpect(bad({ request: {} })).toThrow('give a `response` (one answer) or `responses`');
  playwrightExpect(bad({ request: {}, response: {}, responses: [{}] })).toThrow('not both');
  playwrightExpect(bad({ request: {}, responses: [] })).toThrow('non-empty array');
  playwrightExpect(bad({ request: {}, responses: [{}], scenarioName: 's' })).toThrow('makes a scenario of its own');
});

test('an expectation becomes a WireMock request pattern: partial JSON body, equalTo headers, the journey header', () => {
  playwrightExpect(
    requestPatternOf(
      { method: 'post', urlPath: '/v1/charges', headers: { 'idempotency-key': 'o-1' }, bodyJson: { orderId: 'o-1' } },
      journeyMarks(BY_CORRELATION)[0],
    ),
  ).toEqual({
    method: 'POST',
    urlPath: '/v1/charges',
    headers: { 'idempotency-key': { equalTo: 'o-1' }, 'x-correlation-id': { equalTo: JOURNEY } },
    bodyPatterns: [{ equalToJson: { orderId: 'o-1' }, ignoreExtraElements: true }],
  });
  playwrightExpect(requestPatternOf({ url: '/health' })).toEqual({ method: 'ANY', url: '/health' });
});

const request = (
  method: string,
  url: string,
  body?: unknown,
  headers: Record<string, string> = { 'x-correlation-id': JOURNEY },
  loggedDate = 1_000,
): LoggedRequest => ({
  method,
  url,
  headers,
  body: body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body),
  loggedDate,
});

test('a near miss says what differs: the path, a body field, a missing field, a header; closest first', () => {
  const expected: RequestExpectation = {
    method: 'POST',
    urlPath: '/v1/charges',
    headers: { 'idempotency-key': 'o-1' },
    bodyJson: { orderId: 'o-1', amountCents: 2500, items: [{ sku: 'a' }] },
  };
  const wrongAmount = request(
    'POST',
    '/v1/charges?x=1',
    { orderId: 'o-1', amountCents: 2100, items: [{ sku: 'a', n: 1 }], extra: true },
    { 'x-correlation-id': JOURNEY, 'Idempotency-Key': 'o-1' },
  );
  playwrightExpect(diffRequest(expected, wrongAmount).differences).toEqual([
    'body $.amountCents: expected 2500, received 2100',
  ]);
  const email = request('POST', '/v1/emails', { to: 'a@b' });
  playwrightExpect(diffRequest(expected, email).differences).toEqual([
    'urlPath: expected /v1/charges, received /v1/emails',
    'header idempotency-key: expected "o-1", received absent',
    'body $.orderId: missing (expected "o-1")',
    'body $.amountCents: missing (expected 2500)',
    'body $.items: missing (expected [{"sku":"a"}])',
  ]);
  playwrightExpect(diffRequest({ bodyJson: { a: 1 } }, request('GET', '/x', 'not json')).differences).toEqual([
    'body: expected JSON ⊇ {"a":1}, received non-JSON "not json"',
  ]);
  playwrightExpect(partialJsonDiff({ items: [{ sku: 'a' }, { sku: 'b' }] }, { items: [{ sku: 'a' }] }, '$')).toEqual([
    '$.items[1]: missing (expected {"sku":"b"})',
  ]);
  playwrightExpect(partialJsonDiff({ n: 1 }, { n: '1' }, '$')).toEqual(['$.n: expected 1, received "1"']);
  playwrightExpect(rankRequests(expected, [email, wrongAmount]).map((diff) => diff.request.url)).toEqual([
    '/v1/charges?x=1',
    '/v1/emails',
  ]);
});

/** A WireMock held in memory: a journal, and WireMock's matching stood in for by the same rules. */
function fakeAdmin(journal: LoggedRequest[]): WireMockAdmin {
  const matches = (pattern: RequestPattern, logged: LoggedRequest) => {
    const body = (pattern.bodyPatterns ?? []).find((p) => 'equalToJson' in p)?.equalToJson;
    const expectation: RequestExpectation = {
      ...(pattern.method !== 'ANY' && { method: pattern.method }),
      ...(pattern.urlPath && { urlPath: pattern.urlPath }),
      headers: pattern.headers as Record<string, { equalTo: string }>,
      ...(body !== undefined && { bodyJson: body }),
    };
    return diffRequest(expectation, logged).differences.length === 0;
  };
  return {
    service: 'payment-provider',
    baseUrl: 'http://127.0.0.1:1',
    findRequests: async (pattern: RequestPattern) => journal.filter((logged) => matches(pattern, logged)),
    serveEvents: async (since: Date) =>
      journal
        .filter((logged) => logged.loggedDate >= since.getTime())
        .map((logged, i): ServeEvent => ({ id: String(i), request: logged, wasMatched: true })),
  } as unknown as WireMockAdmin;
}

function fakeWireMock(journal: LoggedRequest[]): WireMock {
  return new WireMock(fakeAdmin(journal), {
    correlationId: JOURNEY,
    correlationHeader: 'x-correlation-id',
    test: 't',
    startedAt: 0,
    record: () => {},
  });
}

const charge = (amountCents: number, headers?: Record<string, string>, loggedDate?: number) =>
  request('POST', '/v1/charges', { orderId: 'o-1', amountCents }, headers, loggedDate);

test('toHaveReceived on a WireMock: passes on the journey’s request, counts exactly, and .not', async () => {
  const wiremock = fakeWireMock([charge(2500, undefined, 10), charge(2500, undefined, 20)]);
  await expect(wiremock).toHaveReceived({ method: 'POST', urlPath: '/v1/charges', bodyJson: { amountCents: 2500 } });
  await expect(wiremock).toHaveReceived({ method: 'POST', urlPath: '/v1/charges' }, { times: 2, timeout: 100 });
  await expect(wiremock).not.toHaveReceived({ method: 'POST', urlPath: '/v1/emails' }, { timeout: 100 });

  const tooMany = await failureOf(
    expect(wiremock).toHaveReceived({ method: 'POST', urlPath: '/v1/charges' }, { times: 1, timeout: 100 }),
  );
  playwrightExpect(tooMany).toContain(
    'expect(wiremock "payment-provider").toHaveReceived({ method: "POST", urlPath: "/v1/charges" }, { times: 1, timeout: 100 })',
  );
  playwrightExpect(tooMany).toContain(
    'Expected exactly 1 request matching POST /v1/charges from this journey, wiremock "payment-provider" received 2:',
  );
  const not = await failureOf(expect(wiremock).not.toHaveReceived({ urlPath: '/v1/charges' }, { timeout: 100 }));
  playwrightExpect(not).toContain(
    'Expected no request matching ANY /v1/charges from this journey within 100 ms, but wiremock "payment-provider" received 2:',
  );
  playwrightExpect(not).toContain('+10 ms POST /v1/charges');
});

test('a request never sent: the failure says WireMock received nothing from the journey', async () => {
  const message = await failureOf(
    expect(fakeWireMock([])).toHaveReceived({ method: 'POST', urlPath: '/v1/charges' }, { timeout: 150 }),
  );
  playwrightExpect(message).toContain(
    'wiremock "payment-provider": no request matching POST /v1/charges from this journey within 150 ms.',
  );
  playwrightExpect(message).toContain(
    `wiremock "payment-provider" received no request from this journey (x-correlation-id: ${JOURNEY}) since the test started.`,
  );
});

test('a request with the wrong body: shown as a near miss with its diff, and requests of other journeys explained', async () => {
  const ours = charge(2100, undefined, 30);
  const theirs = charge(2500, { 'x-correlation-id': 'cj1-someone-else-ffff' }, 40);
  const message = await failureOf(
    expect(fakeWireMock([ours, theirs])).toHaveReceived(
      { method: 'POST', urlPath: '/v1/charges', bodyJson: { amountCents: 2500 } },
      { times: 1, timeout: 150 },
    ),
  );
  playwrightExpect(message).toContain(
    'Expected 1 request matching POST /v1/charges, body ⊇ {"amountCents":2500} from this journey within 150 ms, wiremock "payment-provider" received 0.',
  );
  playwrightExpect(message).toContain('received 1 request from this journey');
  playwrightExpect(message).toContain(
    '1. +30 ms POST /v1/charges\n      ✗ body $.amountCents: expected 2500, received 2100\n      body "{\\"orderId\\":\\"o-1\\",\\"amountCents\\":2100}"',
  );
  playwrightExpect(message).toContain(
    "1 matching request arrived during this test without this journey's x-correlation-id",
  );
  playwrightExpect(message).toContain('+40 ms POST /v1/charges (x-correlation-id: cj1-someone-else-ffff)');
  playwrightExpect(message).toContain("{ scope: 'all' }");
  // …which counts them:
  await expect(fakeWireMock([ours, theirs])).toHaveReceived(
    { method: 'POST', urlPath: '/v1/charges', bodyJson: { amountCents: 2500 } },
    { times: 1, timeout: 100, scope: 'all' },
  );
});

test('bad input to the matcher names the problem', async () => {
  const wiremock = fakeWireMock([]);
  playwrightExpect(
    await failureOf(expect(wiremock).toHaveReceived({ method: 'POST', path: '/v1/charges' } as never)),
  ).toContain('unknown field "path"');
  playwrightExpect(await failureOf(expect(wiremock).not.toHaveReceived({ urlPath: '/x' }, { times: 1 }))).toContain(
    'is ambiguous',
  );
  const fixture = Object.assign(() => wiremock, { wiremockFixture: true });
  playwrightExpect(await failureOf(expect(fixture as unknown as WireMock).toHaveReceived({ urlPath: '/x' }))).toContain(
    "call the fixture, expect(wiremock()) or expect(wiremock('payment-provider'))",
  );
  playwrightExpect(await failureOf(expect({} as unknown as WireMock).toHaveReceived({ urlPath: '/x' }))).toContain(
    "or a WireMock (wiremock(), wiremock('payment-provider'))",
  );
});

test('WireMock services by role: the only one, one by name, and errors that list what exists', () => {
  const state = (wiremock: string[]) => ({
    projectName: 'shop-x',
    roles: { postgres: ['postgres'], kafka: [], rabbitmq: [], wiremock },
    environment: { postgres: {}, orders: {}, 'payment-provider': {}, 'email-provider': {} },
    endpoints: ['payment-provider', 'email-provider'].map((service, i) => ({
      service,
      containerPort: 8080,
      protocol: 'tcp',
      host: '127.0.0.1',
      port: 40_000 + i,
      url: `http://127.0.0.1:${40_000 + i}`,
    })),
  });
  playwrightExpect(new WireMockServices(state(['payment-provider'])).get().baseUrl).toBe('http://127.0.0.1:40000');
  const two = new WireMockServices(state(['payment-provider', 'email-provider']));
  playwrightExpect(two.get('email-provider').baseUrl).toBe('http://127.0.0.1:40001');
  playwrightExpect(() => two.get()).toThrow(
    "has 2 WireMock services: payment-provider, email-provider. Say which: wiremock('payment-provider') or wiremock('email-provider').",
  );
  playwrightExpect(() => two.get('payments-provider')).toThrow(
    'wiremock(\'payments-provider\'): stack shop-x has no service "payments-provider"; WireMock services: payment-provider, email-provider. All services: postgres, orders, payment-provider, email-provider.',
  );
  playwrightExpect(() => two.get('orders')).toThrow(
    '"orders" is a service of stack shop-x, but not a WireMock one (WireMock services: payment-provider, email-provider).',
  );
  playwrightExpect(() => new WireMockServices(state([])).get()).toThrow('stack shop-x has no WireMock service');
});

test("WireMock's own error is quoted as it said it", () => {
  playwrightExpect(
    wiremockErrorLines(
      '{"errors":[{"code":10,"source":{"pointer":"/request/bodyPatterns/0"},"title":"Error parsing JSON","detail":"{\\"equalToJsonx\\":{}} is not a valid match operation"}]}',
    ),
  ).toEqual(['Error parsing JSON at /request/bodyPatterns/0: {"equalToJsonx":{}} is not a valid match operation']);
  playwrightExpect(wiremockErrorLines('No response could be served')).toEqual(['No response could be served']);
});

test('evidence: a journal entry on the timeline says what answered it, with the fault, delay and WireMock’s own near-miss report', () => {
  const scope = { since: new Date(0), marks: BY_CORRELATION };
  const faulted: ServeEvent = {
    id: '1',
    request: charge(2500, undefined, 5),
    wasMatched: true,
    responseDefinition: { fault: 'CONNECTION_RESET_BY_PEER' },
    stubMapping: { id: 'abc', name: 'flaky (1/2)', metadata: { journeys: { correlationId: JOURNEY } } },
  };
  playwrightExpect(serveEventObservation('wiremock', faulted, scope)).toMatchObject({
    kind: 'wiremock',
    correlationId: JOURNEY,
    summary: `wiremock received POST /v1/charges → fault CONNECTION_RESET_BY_PEER (this journey's stub "flaky (1/2)")`,
    detail: { request: { body: { orderId: 'o-1', amountCents: 2500 } }, answer: { fault: 'CONNECTION_RESET_BY_PEER' } },
  });
  const unmatched: ServeEvent = {
    id: '2',
    request: request('GET', '/v1/refunds', undefined, {}),
    wasMatched: false,
    response: { status: 404 },
    subEvents: [{ type: 'REQUEST_NOT_MATCHED', data: { report: 'Request was not matched\n  Closest stub …' } }],
  };
  playwrightExpect(serveEventObservation('wiremock', unmatched, scope)).toMatchObject({
    summary: 'wiremock received GET /v1/refunds → 404 (UNMATCHED) [no correlation id, no traceparent]',
    detail: { nearMiss: 'Request was not matched\n  Closest stub …' },
  });
});

test("a journey's stub is written once per mark, traceparent and correlation header, sharing one scenario", () => {
  const marks = { ...BY_CORRELATION, traceId: TRACE, propagation: 'both' as const };
  const mappings = stubMappings(
    { request: { method: 'POST', urlPath: '/v1/charges' }, responses: [{ status: 503 }, { status: 201 }] },
    { ...context, marks },
  );
  playwrightExpect(mappings.map((mapping) => mapping.request.headers)).toEqual([
    { traceparent: { matches: `^[0-9a-f]{2}-${TRACE}-[0-9a-f]{16}-[0-9a-f]{2}$` } },
    { traceparent: { matches: `^[0-9a-f]{2}-${TRACE}-[0-9a-f]{16}-[0-9a-f]{2}$` } },
    { 'x-correlation-id': { equalTo: JOURNEY } },
    { 'x-correlation-id': { equalTo: JOURNEY } },
  ]);
  // One sequence whichever mark a request carries: the step states are shared by name.
  playwrightExpect(new Set(mappings.map((mapping) => mapping.scenarioName)).size).toBe(1);
  playwrightExpect(mappings.map((mapping) => mapping.requiredScenarioState)).toEqual([
    'Started',
    'answered 1',
    'Started',
    'answered 1',
  ]);
  // A stack that says it propagates only the trace context gets only that mapping.
  const traced = stubMappings(
    { request: { urlPath: '/v1/charges' }, response: { status: 503 } },
    { ...context, marks: { ...marks, propagation: 'traceparent' } },
  );
  playwrightExpect(traced.map((mapping) => Object.keys(mapping.request.headers ?? {}))).toEqual([['traceparent']]);
});

test('evidence: a provider request carrying only the journey traceparent is filed under the journey', () => {
  const marks = { ...BY_CORRELATION, traceId: TRACE, propagation: 'both' as const };
  const event = (traceparent: string): ServeEvent => ({
    id: traceparent,
    request: {
      url: '/v1/charges',
      method: 'POST',
      headers: { traceparent },
      loggedDate: 10,
    },
    wasMatched: true,
    responseDefinition: { status: 201 },
    response: { status: 201 },
  });
  const ours = serveEventObservation('wiremock', event(`00-${TRACE}-00f067aa0ba902b7-01`), {
    since: new Date(0),
    marks,
  });
  playwrightExpect(ours.correlationId).toBe(JOURNEY);
  playwrightExpect(ours.summary).not.toContain('[another journey]');
  const theirs = serveEventObservation('wiremock', event(`00-${'ab'.repeat(16)}-00f067aa0ba902b7-01`), {
    since: new Date(0),
    marks,
  });
  playwrightExpect(theirs.summary).toContain('[another journey]');
});
