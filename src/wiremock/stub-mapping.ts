// What a per-test stub becomes in WireMock: the journey's stubs match only its own requests (its
// trace id in `traceparent`, or its correlation header), outrank the stack's defaults, carry the test's tag (metadata) so they can be
// found and removed after it, and keep scenario state of their own.
import { type JourneyMark, type JourneyMarks, journeyMarks } from '../trace/journey-marks.ts';
import type { RequestScope } from './request-match.ts';
import type { RequestPattern, ResponseDefinition, StringMatcher, StubDefinition } from './types.ts';

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
  /** Distinguishes the test's `responses` sequences from each other (1, 2, …). */
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
 * The mappings to POST for one `stub(...)` call: one, or one per answer of a `responses` sequence; for
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
    scenarioName,
    requiredScenarioState,
    newScenarioState,
    metadata,
    priority,
    name,
    request,
    ...rest
  } = definition;
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
  // A scenario per sequence: "Started" → "answered 1" → … → "answered n", which no mapping requires,
  // so later requests fall through to the next stub that matches (the stack's defaults).
  const scenario = scopedScenarioName(context.tag.correlationId, `${name ?? 'responses'} #${context.sequence}`);
  return (responses as ResponseDefinition[]).map((answer, index) => ({
    ...base,
    // Named by step, so the journal (and the timeline) says which answer a request got.
    name: `${name ?? `${describeRequestPattern(request)} answer`} (${index + 1}/${responses!.length})`,
    response: answer,
    scenarioName: scenario,
    requiredScenarioState: index === 0 ? 'Started' : `answered ${index}`,
    newScenarioState: `answered ${index + 1}`,
  }));
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
    : describeResponse(definition.response);
  return `${definition.name ? `"${definition.name}" ` : ''}${describeRequestPattern(definition.request)} (${who}) → ${answers}`;
}
