// WireMock's stub and journal JSON, as far as journeys touch it (WireMock 3 admin API). Fields
// not listed here still pass through to WireMock: cast when you need one.

/** How WireMock breaks a connection instead of answering. */
export type WireMockFault =
  | 'CONNECTION_RESET_BY_PEER'
  | 'EMPTY_RESPONSE'
  | 'MALFORMED_RESPONSE_CHUNK'
  | 'RANDOM_DATA_THEN_CLOSE';
export const WIREMOCK_FAULTS: readonly WireMockFault[] = [
  'CONNECTION_RESET_BY_PEER',
  'EMPTY_RESPONSE',
  'MALFORMED_RESPONSE_CHUNK',
  'RANDOM_DATA_THEN_CLOSE',
];

/** A random delay per answer: `lognormal` (long tail, like real latency), `uniform`, or `fixed`. */
export type DelayDistribution =
  | { type: 'lognormal'; median: number; sigma: number; maxValue?: number }
  | { type: 'uniform'; lower: number; upper: number }
  | { type: 'fixed'; milliseconds: number };

/** WireMock's string matchers (`equalTo`, `contains`, `matches`, `absent`, …). */
export type StringMatcher =
  | { equalTo: string; caseInsensitive?: boolean }
  | { contains: string }
  | { doesNotContain: string }
  | { matches: string }
  | { doesNotMatch: string }
  | { absent: boolean }
  | { [operator: string]: unknown };

/** What a stub answers requests it matches. */
export interface RequestPattern {
  /** `GET`, `POST`, … or `ANY` (default). */
  method?: string;
  /** Path and query, exactly. */
  url?: string;
  /** Path, exactly (any query). */
  urlPath?: string;
  /** A regular expression over path and query. */
  urlPattern?: string;
  /** A regular expression over the path. */
  urlPathPattern?: string;
  /** `/v1/charges/{id}`. */
  urlPathTemplate?: string;
  /** A string means `equalTo`; or any WireMock matcher. */
  headers?: Record<string, string | StringMatcher>;
  queryParameters?: Record<string, string | StringMatcher>;
  /** The JSON body holds at least these fields with these values (`equalToJson` with `ignoreExtraElements`). */
  bodyJson?: unknown;
  /** `{ equalToJson, ignoreExtraElements }`, `{ matchesJsonPath }`, `{ contains }`, … */
  bodyPatterns?: Record<string, unknown>[];
}

export interface ResponseDefinition {
  status?: number;
  statusMessage?: string;
  headers?: Record<string, string>;
  body?: string;
  jsonBody?: unknown;
  base64Body?: string;
  bodyFileName?: string;
  /** The answer comes this late (ms): a provider that is slow, or slower than its caller's timeout. */
  fixedDelayMilliseconds?: number;
  /** A random delay per answer. */
  delayDistribution?: DelayDistribution;
  /** The body dribbles out in chunks over `totalDuration` ms. */
  chunkedDribbleDelay?: { numberOfChunks: number; totalDuration: number };
  /** No HTTP answer: the connection is broken this way instead. */
  fault?: WireMockFault;
  /** e.g. `['response-template']`. */
  transformers?: string[];
}

/** A per-test stub (see `WireMock.stub`). */
export interface StubDefinition {
  name?: string;
  /** Lower wins; default 1 (WireMock's default, and the shop's defaults, are 5). */
  priority?: number;
  request: RequestPattern;
  /** One answer, for every matching request of the journey (until the test ends). */
  response?: ResponseDefinition;
  /**
   * These answers in order, one request each; after the last, matching requests fall through to
   * whatever else matches (the stack's default stubs). "503, 503, then the default":
   * `responses: [{ status: 503 }, { status: 503 }]`.
   */
  responses?: ResponseDefinition[];
  /**
   * A share of the requests fail, in a pattern a seed fixes: `response` answers the others. Built from a
   * WireMock scenario, so the same seed gives the same answers in the same order, every run.
   */
  failing?: FailingShare;
  /** The first `requests` of every `windowMs` get `response`, later ones 429 with `Retry-After`. */
  rateLimit?: RateLimit;
  /** A WireMock scenario of your own; its name is made unique to the test, so parallel tests never share its state. */
  scenarioName?: string;
  requiredScenarioState?: string;
  newScenarioState?: string;
  /** Yours; the test's own tag is added under `journeys`. */
  metadata?: Record<string, unknown>;
}

/**
 * `failing: { share: 0.3, answer: { status: 503 }, seed: 42 }`: of every `cycle` requests, exactly
 * round(share × cycle) get `answer`, at steps a seeded pseudo-random draw picks; then the pattern repeats.
 */
export interface FailingShare {
  /** The share of requests that fail, more than 0 and at most 1: `0.3` for 30 %. */
  share: number;
  /** What a failing request gets: `{ status: 503 }`, `{ fault: 'CONNECTION_RESET_BY_PEER' }`, `{ fixedDelayMilliseconds: 5000 }`… */
  answer: ResponseDefinition;
  /** Fixes which requests fail: the same seed, the same pattern (default 1). */
  seed?: number;
  /** How many requests the pattern spans before it repeats (default 20, at most 1000). */
  cycle?: number;
}

/** `rateLimit: { requests: 3, windowMs: 1000 }`: 3 requests per second get `response`, the rest 429. */
export interface RateLimit {
  /** How many requests of a window get `response` (≥ 1). */
  requests: number;
  /** How long a window lasts (ms, ≥ 100); the first starts when the stub is added, each next one right after. */
  windowMs: number;
  /** The 429's `Retry-After` header (s); default the window rounded up to whole seconds. */
  retryAfterSeconds?: number;
}

/** A request as WireMock's journal logged it. */
export interface LoggedRequest {
  url: string;
  absoluteUrl?: string;
  method: string;
  headers?: Record<string, string | string[]>;
  body?: string;
  bodyAsBase64?: string;
  loggedDate: number;
  loggedDateString?: string;
  queryParams?: Record<string, { key: string; values: string[] }>;
}

/** One journal entry: the request, what answered it, and WireMock's report when nothing did. */
export interface ServeEvent {
  id: string;
  request: LoggedRequest;
  wasMatched: boolean;
  responseDefinition?: ResponseDefinition & { fromConfiguredStub?: boolean };
  response?: { status?: number; fault?: string };
  stubMapping?: {
    /** The stub's request pattern (`method`, `urlPath`…): how the coverage names it. */
    request?: Record<string, unknown>;
    id?: string;
    name?: string;
    priority?: number;
    metadata?: Record<string, unknown>;
    scenarioName?: string;
    requiredScenarioState?: string;
  };
  timing?: { addedDelay?: number; totalTime?: number };
  subEvents?: { type: string; data?: { report?: string } }[];
}
