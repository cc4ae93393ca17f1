// What a per-test stub becomes in WireMock: the journey's stubs match only its own requests (its
// trace id in `traceparent`, or its correlation header), outrank the stack's defaults, carry the test's tag (metadata) so they can be
// found and removed after it, and keep scenario state of their own. A sequence of answers, a share of
// failures and a rate limit are all WireMock scenarios: WireMock keeps the count, so they stay
// reproducible however the requests interleave with other journeys'.
import { type JourneyMark, type JourneyMarks, journeyMarks } from '../trace/journey-marks.ts';
import { assertFailingShare, DEFAULT_FAILING_CYCLE, DEFAULT_FAILING_SEED, failingSteps } from './failing-share.ts';
import { assertRateLimit, rateLimitedAnswer, retryAfterOf } from './rate-limit.ts';
import type { RequestScope } from './request-match.ts';
import type {
  FailingShare,
  RateLimit,
  RequestPattern,
  ResponseDefinition,
  StringMatcher,
  StubDefinition,
} from './types.ts';

/** @deprecated Use `RequestScope`, the same `'journey' | 'all'`; this name goes in the next minor version. */
export type StubScope = RequestScope;

/** What every per-test stub is tagged with, under `metadata.journeys`. */
export interface StubTag {
  correlationId: string;
  test: string;
  /** The worker process that made it. */
  pid: number;
}

export interface StubContext {
  tag: StubTag;
  /** How the journey's requests are recognised (scope `journey`): the stub is written once per mark. */
  marks: JourneyMarks;
  scope: RequestScope;
  /** Distinguishes the scenarios of the test's stubs (`responses`, `failing`, `rateLimit`) from each other (1, 2, …). */
  sequence: number;
}

/** Default priority of a per-test stub: above WireMock's default (5), which stack defaults usually keep. */
export const STUB_PRIORITY = 1;
export const TAG_KEY = 'journeys';

export type WireMockMapping = Record<string, unknown> & {
  request: RequestPattern;
  priority: number;
  metadata: Record<string, unknown>;
};

/** The scenario name a test's scenario gets in WireMock: unique to the journey, readable in WireMock's admin. */
export function scopedScenarioName(correlationId: string, name: string): string {
  return `${correlationId} ${name}`;
}

/**
 * A rate limit's scenario: unreserved URL characters only, because its state is reset through
 * `PUT /__admin/scenarios/{name}/state`, and WireMock 3 looks the name up in the path as sent
 * (undecoded: `a%20b` is not `a b`).
 */
export function rateLimitScenarioName(definition: StubDefinition, context: StubContext): string {
  return `${context.tag.correlationId}.${definition.name ?? 'rate-limit'}.${context.sequence}`.replace(
    /[^A-Za-z0-9._~-]+/g,
    '-',
  );
}

/** For a `rateLimit` stub: the scenario to put back to "Started" at the end of every window. */
export function rateLimitWindowOf(
  definition: StubDefinition,
  context: StubContext,
): { scenarioName: string; everyMs: number } | undefined {
  if (definition.rateLimit === undefined) return undefined;
  return { scenarioName: rateLimitScenarioName(definition, context), everyMs: definition.rateLimit.windowMs };
}

/**
 * WireMock's own request pattern: the shorthands a request expectation also takes (`bodyJson`,
 * plain-string headers and query parameters) spelled out, and the journey's correlation header
 * added (scope `journey`).
 */
export function scopedRequest(request: RequestPattern, journey: JourneyMark | undefined): RequestPattern {
  const { bodyJson, headers, queryParameters, bodyPatterns, ...rest } = request;
  const allHeaders = {
    ...(headers && Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, matcherOf(value)]))),
    ...(journey && { [journey.header]: journey.matcher }),
  };
  const patterns = [
    ...(bodyJson !== undefined ? [{ equalToJson: bodyJson, ignoreExtraElements: true }] : []),
    ...(bodyPatterns ?? []),
  ];
  return {
    ...rest,
    ...(Object.keys(allHeaders).length > 0 && { headers: allHeaders }),
    ...(queryParameters && {
      queryParameters: Object.fromEntries(
        Object.entries(queryParameters).map(([name, value]) => [name, matcherOf(value)]),
      ),
    }),
    ...(patterns.length > 0 && { bodyPatterns: patterns }),
  };
}

const matcherOf = (value: string | StringMatcher): StringMatcher =>
  typeof value === 'string' ? { equalTo: value } : value;

/**
 * The mappings to POST for one `stub(...)` call: one, or one per step of a scenario (each answer of a
 * `responses` sequence, each request of a `failing` cycle, each request of a `rateLimit` window and its 429); for
 * a journey's stub, that once per mark the journey's requests may carry (its `traceparent`, its
 * correlation header). WireMock matches headers with AND only, so "either mark" is two mappings that
 * share their scenario: a request carrying either advances the one sequence.
 */
export function stubMappings(definition: StubDefinition, context: StubContext): WireMockMapping[] {
  if (context.scope === 'all') return stubMappingsFor(definition, context, undefined);
  const marks = journeyMarks(context.marks);
  if (marks.length === 0) throw new Error('stub(): the journey has no mark to match its requests by.');
  return marks.flatMap((mark) => stubMappingsFor(definition, context, mark));
}

function stubMappingsFor(
  definition: StubDefinition,
  context: StubContext,
  journey: JourneyMark | undefined,
): WireMockMapping[] {
  if (!definition || typeof definition !== 'object' || !definition.request || typeof definition.request !== 'object') {
    throw new Error(
      'stub({ request, response }) needs a request pattern, e.g. { request: { method: "POST", urlPath: "/v1/charges" }, response: { status: 503 } }.',
    );
  }
  const {
    responses,
    response,
    failing,
    rateLimit,
    scenarioName,
    requiredScenarioState,
    newScenarioState,
    metadata,
    priority,
    name,
    request,
    ...rest
  } = definition;
  if (failing !== undefined || rateLimit !== undefined)
    assertShareOrLimit(definition, failing !== undefined ? 'failing' : 'rateLimit');
  if (responses !== undefined && response !== undefined)
    throw new Error('stub(): give `response` (one answer) or `responses` (answers in order), not both.');
  if (responses === undefined && response === undefined)
    throw new Error('stub(): give a `response` (one answer) or `responses` (answers in order, then the defaults).');
  if (responses !== undefined && (!Array.isArray(responses) || responses.length === 0))
    throw new Error('stub(): `responses` must be a non-empty array of answers.');
  if (responses !== undefined && scenarioName !== undefined)
    throw new Error(
      'stub(): `responses` makes a scenario of its own; drop `scenarioName`, or write the scenario steps yourself with `response`.',
    );

  const base = {
    ...rest,
    ...(name !== undefined && { name }),
    priority: priority ?? STUB_PRIORITY,
    request: scopedRequest(request, journey),
    metadata: { ...metadata, [TAG_KEY]: { ...context.tag } },
  };
  const label = name ?? `${describeRequestPattern(request)} answer`;
  if (failing !== undefined) {
    // One step per request of the cycle, the last leading back to the first: the pattern repeats.
    const fails = new Set(failingSteps(failing));
    const cycle = failing.cycle ?? DEFAULT_FAILING_CYCLE;
    const steps = Array.from({ length: cycle }, (_, index) =>
      fails.has(index + 1)
        ? { response: failing.answer, name: `${label} (${index + 1}/${cycle}: fails)` }
        : { response: response!, name: `${label} (${index + 1}/${cycle})` },
    );
    const scenario = scopedScenarioName(context.tag.correlationId, `${name ?? 'failing'} #${context.sequence}`);
    return scenarioSteps(base, scenario, steps, 'start over');
  }
  if (rateLimit !== undefined) {
    // The window's requests, then a 429 step that keeps its state until the window ends (WireMock.stub
    // puts the scenario back to "Started" every windowMs).
    const steps = [
      ...Array.from({ length: rateLimit.requests }, (_, index) => ({
        response: response!,
        name: `${label} (${index + 1}/${rateLimit.requests} of the window)`,
      })),
      { response: rateLimitedAnswer(rateLimit), name: `${label} (over the limit: 429)` },
    ];
    return scenarioSteps(base, rateLimitScenarioName(definition, context), steps, 'stay');
  }
  if (response !== undefined) {
    return [
      {
        ...base,
        response,
        ...(scenarioName !== undefined && {
          scenarioName: scopedScenarioName(context.tag.correlationId, scenarioName),
        }),
        ...(requiredScenarioState !== undefined && { requiredScenarioState }),
        ...(newScenarioState !== undefined && { newScenarioState }),
      },
    ];
  }
  // After "answered n", which no mapping requires, later requests fall through to the next stub that
  // matches (the stack's defaults).
  const scenario = scopedScenarioName(context.tag.correlationId, `${name ?? 'responses'} #${context.sequence}`);
  const steps = (responses as ResponseDefinition[]).map((answer, index, all) => ({
    response: answer,
    name: `${label} (${index + 1}/${all.length})`,
  }));
  return scenarioSteps(base, scenario, steps, 'fall through');
}

/** `failing` and `rateLimit` take `response` (the answer that is not a failure) and a scenario of their own. */
function assertShareOrLimit(definition: StubDefinition, option: 'failing' | 'rateLimit'): void {
  if (definition.failing !== undefined && definition.rateLimit !== undefined)
    throw new Error(
      'stub(): `failing` or `rateLimit`, not both (one scenario each); add two stubs with different requests instead.',
    );
  if (definition.responses !== undefined)
    throw new Error(
      `stub({ ${option} }): takes \`response\` (the answer when not ${option === 'failing' ? 'failing' : 'over the limit'}), not \`responses\`.`,
    );
  if (definition.response === undefined)
    throw new Error(
      `stub({ ${option} }): give \`response\`, the answer of the requests that are not ${option === 'failing' ? 'failing' : 'over the limit'}.`,
    );
  const own = (['scenarioName', 'requiredScenarioState', 'newScenarioState'] as const).filter(
    (key) => definition[key] !== undefined,
  );
  if (own.length > 0)
    throw new Error(
      `stub({ ${option} }): makes a scenario of its own; drop ${own.map((key) => `\`${key}\``).join(', ')}.`,
    );
  if (option === 'failing') assertFailingShare(definition.failing);
  else assertRateLimit(definition.rateLimit);
}

/**
 * One mapping per step, one request each, in a scenario: "Started" → "answered 1" → … Named by step, so
 * the journal (and the timeline) says which answer a request got. After the last step: `fall through`
 * (to whatever else matches), `start over` (back to "Started": a cycle), or `stay` (the last step
 * answers every later request).
 */
function scenarioSteps(
  base: WireMockMapping,
  scenario: string,
  steps: readonly { response: ResponseDefinition; name: string }[],
  then: 'fall through' | 'start over' | 'stay',
): WireMockMapping[] {
  return steps.map((step, index) => {
    const last = index === steps.length - 1;
    const next =
      last && then === 'start over' ? 'Started' : last && then === 'stay' ? undefined : `answered ${index + 1}`;
    return {
      ...base,
      name: step.name,
      response: step.response,
      scenarioName: scenario,
      requiredScenarioState: index === 0 ? 'Started' : `answered ${index}`,
      ...(next !== undefined && { newScenarioState: next }),
    };
  });
}

/** `POST /v1/charges` / `ANY /prices/.*`: a request pattern on one line. */
export function describeRequestPattern(request: RequestPattern): string {
  const where =
    request.url ??
    request.urlPath ??
    request.urlPathTemplate ??
    request.urlPattern ??
    request.urlPathPattern ??
    '(any url)';
  return `${request.method ?? 'ANY'} ${where}`;
}

/** `503`, `fault CONNECTION_RESET_BY_PEER`, `201 after 2500 ms`: an answer on one line. */
export function describeResponse(response: ResponseDefinition | undefined): string {
  if (!response) return '(no answer)';
  const what = response.fault ? `fault ${response.fault}` : String(response.status ?? 200);
  const delays: string[] = [];
  if (response.fixedDelayMilliseconds) delays.push(`after ${response.fixedDelayMilliseconds} ms`);
  if (response.delayDistribution) delays.push(`after a ${describeDistribution(response.delayDistribution)} delay`);
  if (response.chunkedDribbleDelay) delays.push(`dribbled over ${response.chunkedDribbleDelay.totalDuration} ms`);
  return [what, ...delays].join(' ');
}

function describeDistribution(distribution: NonNullable<ResponseDefinition['delayDistribution']>): string {
  switch (distribution.type) {
    case 'lognormal':
      return `lognormal (median ${distribution.median} ms, sigma ${distribution.sigma})`;
    case 'uniform':
      return `uniform ${distribution.lower}–${distribution.upper} ms`;
    case 'fixed':
      return `${distribution.milliseconds} ms`;
    default:
      return 'random';
  }
}

/** The stub on one line, for the timeline: `POST /v1/charges (this journey) → 503, 503, then the defaults`. */
export function describeStub(definition: StubDefinition, scope: RequestScope): string {
  const who = scope === 'journey' ? 'this journey' : 'every journey';
  const answers = definition.responses
    ? `${definition.responses.map(describeResponse).join(', ')}, then the defaults`
    : definition.failing
      ? describeFailing(definition.failing, definition.response)
      : definition.rateLimit
        ? describeRateLimit(definition.rateLimit, definition.response)
        : describeResponse(definition.response);
  return `${definition.name ? `"${definition.name}" ` : ''}${describeRequestPattern(definition.request)} (${who}) → ${answers}`;
}

/** How many of a failing cycle's steps its description lists before `…`. */
const LISTED_STEPS = 8;

/** `30 % fault CONNECTION_RESET_BY_PEER (seed 42: answers 1, 4, 9, 12, 15, 18 of every 20), else 201`. */
export function describeFailing(failing: FailingShare, response: ResponseDefinition | undefined): string {
  const steps = failingSteps(failing);
  const listed = steps.length > LISTED_STEPS ? `${steps.slice(0, LISTED_STEPS).join(', ')} …` : steps.join(', ');
  const percent = Number((failing.share * 100).toFixed(1));
  return `${percent} % ${describeResponse(failing.answer)} (seed ${failing.seed ?? DEFAULT_FAILING_SEED}: answers ${listed} of every ${failing.cycle ?? DEFAULT_FAILING_CYCLE}), else ${describeResponse(response)}`;
}

/** `200 for 3 requests per 1000 ms, then 429 (Retry-After 1)`. */
export function describeRateLimit(rateLimit: RateLimit, response: ResponseDefinition | undefined): string {
  const requests = `${rateLimit.requests} request${rateLimit.requests === 1 ? '' : 's'}`;
  return `${describeResponse(response)} for ${requests} per ${rateLimit.windowMs} ms, then 429 (Retry-After ${retryAfterOf(rateLimit)})`;
}
