// What a journey expects WireMock to have received, as a WireMock request pattern (WireMock judges
// the match), and, when nothing matched, how each of the journey's requests differs from it.
import type { JourneyMark } from '../trace/journey-marks.ts';
import type { LoggedRequest, RequestPattern, StringMatcher } from './types.ts';

/**
 * A request a journey expects: `{ method: 'POST', urlPath: '/v1/charges', bodyJson: { orderId } }`.
 * `bodyJson` is partial: the body must hold these fields with these values (extra fields are fine).
 */
export interface RequestExpectation {
  method?: string;
  /** Path and query, exactly. */
  url?: string;
  /** Path, exactly (any query). */
  urlPath?: string;
  /** Regular expression over path and query. */
  urlPattern?: string;
  /** Regular expression over the path. */
  urlPathPattern?: string;
  /** A string means `equalTo`; or any WireMock matcher. */
  headers?: Record<string, string | StringMatcher>;
  queryParameters?: Record<string, string | StringMatcher>;
  /** The JSON body holds at least these fields with these values (WireMock `equalToJson` with `ignoreExtraElements`). */
  bodyJson?: unknown;
  /** Raw WireMock body patterns (`matchesJsonPath`, `contains`, …), judged by WireMock. */
  bodyPatterns?: Record<string, unknown>[];
}

/**
 * Which requests: `journey`, those carrying the journey's correlation id; `all`, every request. A verification
 * with `all` looks at every request since the test started; a stub with `all` matches every request (it changes
 * the stack for everyone).
 */
export type RequestScope = 'journey' | 'all';

const EXPECTATION_KEYS = new Set([
  'method',
  'url',
  'urlPath',
  'urlPattern',
  'urlPathPattern',
  'headers',
  'queryParameters',
  'bodyJson',
  'bodyPatterns',
]);

export function assertExpectation(expectation: unknown): asserts expectation is RequestExpectation {
  if (!expectation || typeof expectation !== 'object' || Array.isArray(expectation)) {
    throw new Error(
      'expect(wiremock()).toHaveReceived({ method, url | urlPath, bodyJson }) needs the request it expects, e.g. { method: "POST", urlPath: "/v1/charges" }.',
    );
  }
  const unknown = Object.keys(expectation).filter((key) => !EXPECTATION_KEYS.has(key));
  if (unknown.length > 0) {
    throw new Error(
      `toHaveReceived(request): unknown field${unknown.length > 1 ? 's' : ''} ${unknown.map((key) => `"${key}"`).join(', ')}; a request expectation has ${[...EXPECTATION_KEYS].join(', ')}.`,
    );
  }
}

const asMatcher = (value: string | StringMatcher): StringMatcher =>
  typeof value === 'string' ? { equalTo: value } : value;
const mapMatchers = (values: Record<string, string | StringMatcher> | undefined) =>
  values ? Object.fromEntries(Object.entries(values).map(([name, value]) => [name, asMatcher(value)])) : undefined;

/** The WireMock request pattern for an expectation, narrowed to one of the journey's marks when given. */
export function requestPatternOf(expectation: RequestExpectation, journey?: JourneyMark): RequestPattern {
  const headers = {
    ...mapMatchers(expectation.headers),
    ...(journey && { [journey.header]: journey.matcher }),
  };
  const bodyPatterns = [
    ...(expectation.bodyJson !== undefined ? [{ equalToJson: expectation.bodyJson, ignoreExtraElements: true }] : []),
    ...(expectation.bodyPatterns ?? []),
  ];
  return {
    method: expectation.method?.toUpperCase() ?? 'ANY',
    ...(expectation.url !== undefined && { url: expectation.url }),
    ...(expectation.urlPath !== undefined && { urlPath: expectation.urlPath }),
    ...(expectation.urlPattern !== undefined && { urlPattern: expectation.urlPattern }),
    ...(expectation.urlPathPattern !== undefined && { urlPathPattern: expectation.urlPathPattern }),
    ...(Object.keys(headers).length > 0 && { headers }),
    ...(expectation.queryParameters && { queryParameters: mapMatchers(expectation.queryParameters) }),
    ...(bodyPatterns.length > 0 && { bodyPatterns }),
  };
}

/** `POST /v1/charges with body ⊇ {"orderId":"…"}, header idempotency-key = "…"`. */
export function describeRequestExpectation(expectation: RequestExpectation): string {
  const where =
    expectation.url ??
    expectation.urlPath ??
    (expectation.urlPattern && `/${expectation.urlPattern}/`) ??
    (expectation.urlPathPattern && `path /${expectation.urlPathPattern}/`) ??
    '(any url)';
  const parts = [`${expectation.method?.toUpperCase() ?? 'ANY'} ${where}`];
  for (const [name, value] of Object.entries(expectation.headers ?? {}))
    parts.push(`header ${name} ${describeMatcher(asMatcher(value))}`);
  for (const [name, value] of Object.entries(expectation.queryParameters ?? {}))
    parts.push(`query ${name} ${describeMatcher(asMatcher(value))}`);
  if (expectation.bodyJson !== undefined) parts.push(`body ⊇ ${short(expectation.bodyJson)}`);
  if (expectation.bodyPatterns?.length) parts.push(`body patterns ${short(expectation.bodyPatterns)}`);
  return parts.join(', ');
}

function describeMatcher(matcher: StringMatcher): string {
  const [operator, value] = Object.entries(matcher).find(([key]) => key !== 'caseInsensitive') ?? ['?', undefined];
  return operator === 'equalTo'
    ? `= ${JSON.stringify(value)}`
    : operator === 'absent'
      ? value
        ? 'absent'
        : 'present'
      : `${operator} ${JSON.stringify(value)}`;
}

const MAX_VALUE = 120;
export function short(value: unknown): string {
  const text =
    value === undefined
      ? 'undefined'
      : typeof value === 'string'
        ? JSON.stringify(value)
        : (JSON.stringify(value) ?? String(value));
  return text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE)}… (${text.length} chars)` : text;
}

/** A header of a logged request, whatever the case of its name (WireMock logs names as sent). */
/** One logged request, as two lookups of the journal (one per journey mark) may both return it. */
export const requestIdentity = (request: LoggedRequest): string =>
  `${request.loggedDate} ${request.method} ${request.url} ${request.body ?? ''}`;

export function headerOf(request: Pick<LoggedRequest, 'headers'>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(request.headers ?? {})) {
    if (key.toLowerCase() === wanted) return Array.isArray(value) ? value.join(', ') : value;
  }
  return undefined;
}

export function pathOf(url: string): string {
  const query = url.indexOf('?');
  return query < 0 ? url : url.slice(0, query);
}

/** The body as JSON, or `undefined` when it is empty or not JSON. */
export function jsonBodyOf(request: Pick<LoggedRequest, 'body'>): { json: unknown } | undefined {
  if (!request.body) return undefined;
  try {
    return { json: JSON.parse(request.body) };
  } catch {
    return undefined;
  }
}

/** How one logged request differs from an expectation: one line per difference, and how far off it is. */
export interface RequestDiff {
  request: LoggedRequest;
  differences: string[];
  /** 0 = no difference this diff can see; the url and method weigh most, then headers, then body fields. */
  distance: number;
}

export function diffRequest(expectation: RequestExpectation, request: LoggedRequest): RequestDiff {
  const differences: string[] = [];
  let distance = 0;
  const method = expectation.method?.toUpperCase();
  if (method && method !== 'ANY' && method !== request.method.toUpperCase()) {
    differences.push(`method: expected ${method}, received ${request.method}`);
    distance += 10;
  }
  const path = pathOf(request.url);
  const urlChecks: [string, string | undefined, (value: string) => boolean, string][] = [
    ['url', expectation.url, (value) => request.url === value, request.url],
    ['urlPath', expectation.urlPath, (value) => path === value, path],
    ['urlPattern', expectation.urlPattern, (value) => fullMatch(value, request.url), request.url],
    ['urlPathPattern', expectation.urlPathPattern, (value) => fullMatch(value, path), path],
  ];
  for (const [name, expected, ok, received] of urlChecks) {
    if (expected !== undefined && !ok(expected)) {
      differences.push(`${name}: expected ${expected}, received ${received}`);
      distance += 10;
    }
  }
  for (const [name, matcher] of Object.entries(expectation.headers ?? {})) {
    const problem = stringMismatch(asMatcher(matcher), headerOf(request, name));
    if (problem) {
      differences.push(`header ${name}: ${problem}`);
      distance += 3;
    }
  }
  const query = new URLSearchParams(request.url.includes('?') ? request.url.slice(request.url.indexOf('?') + 1) : '');
  for (const [name, matcher] of Object.entries(expectation.queryParameters ?? {})) {
    const problem = stringMismatch(asMatcher(matcher), query.get(name) ?? undefined);
    if (problem) {
      differences.push(`query ${name}: ${problem}`);
      distance += 3;
    }
  }
  if (expectation.bodyJson !== undefined) {
    const body = jsonBodyOf(request);
    if (!body) {
      differences.push(
        `body: expected JSON ⊇ ${short(expectation.bodyJson)}, received ${request.body ? `non-JSON ${short(request.body)}` : 'no body'}`,
      );
      distance += 5;
    } else {
      const fields = partialJsonDiff(expectation.bodyJson, body.json, '$');
      for (const field of fields) differences.push(`body ${field}`);
      distance += Math.min(5, fields.length);
    }
  }
  if (expectation.bodyPatterns?.length)
    differences.push(`(bodyPatterns ${short(expectation.bodyPatterns)} are judged by WireMock, not shown here)`);
  return { request, differences, distance };
}

function fullMatch(pattern: string, value: string): boolean {
  try {
    return new RegExp(`^(?:${pattern})$`).test(value);
  } catch {
    return false; // a Java-only construct: WireMock's verdict stands
  }
}

function stringMismatch(matcher: StringMatcher, value: string | undefined): string | undefined {
  const received = value === undefined ? 'absent' : JSON.stringify(value);
  const m = matcher as Record<string, unknown>;
  if ('absent' in m)
    return (m.absent ? value === undefined : value !== undefined)
      ? undefined
      : `expected ${m.absent ? 'absent' : 'present'}, received ${received}`;
  if (value === undefined)
    return `expected ${typeof m.equalTo === 'string' ? JSON.stringify(m.equalTo) : describeMatcher(matcher)}, received absent`;
  if (typeof m.equalTo === 'string')
    return (m.caseInsensitive ? value.toLowerCase() === m.equalTo.toLowerCase() : value === m.equalTo)
      ? undefined
      : `expected ${JSON.stringify(m.equalTo)}, received ${received}`;
  if (typeof m.contains === 'string')
    return value.includes(m.contains)
      ? undefined
      : `expected to contain ${JSON.stringify(m.contains)}, received ${received}`;
  if (typeof m.matches === 'string')
    return fullMatch(m.matches, value) ? undefined : `expected to match /${m.matches}/, received ${received}`;
  return undefined; // other matchers: WireMock judges them
}

/**
 * Where `actual` fails to hold `expected` (objects: expected fields, extra ones ignored; arrays:
 * expected items by position; anything else: equal), one `path: …` line per difference.
 */
export function partialJsonDiff(expected: unknown, actual: unknown, path: string): string[] {
  if (expected !== null && typeof expected === 'object') {
    if (Array.isArray(expected)) {
      if (!Array.isArray(actual)) return [`${path}: expected an array ${short(expected)}, received ${short(actual)}`];
      return expected.flatMap((item, index) =>
        index < actual.length
          ? partialJsonDiff(item, actual[index], `${path}[${index}]`)
          : [`${path}[${index}]: missing (expected ${short(item)})`],
      );
    }
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual))
      return [`${path}: expected an object ⊇ ${short(expected)}, received ${short(actual)}`];
    return Object.entries(expected).flatMap(([key, value]) => {
      const child = /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
      return key in actual
        ? partialJsonDiff(value, (actual as Record<string, unknown>)[key], child)
        : [`${child}: missing (expected ${short(value)})`];
    });
  }
  return Object.is(expected, actual) || expected === actual
    ? []
    : [`${path}: expected ${short(expected)}, received ${short(actual)}`];
}

/** Closest first (ties: earlier first). */
export function rankRequests(expectation: RequestExpectation, requests: readonly LoggedRequest[]): RequestDiff[] {
  return requests
    .map((request) => diffRequest(expectation, request))
    .sort((a, b) => a.distance - b.distance || a.request.loggedDate - b.request.loggedDate);
}

/** `+120 ms POST /v1/charges`: which request this is, relative to the test's start. */
export function formatRequestHeadline(request: LoggedRequest, startedAt: number, correlationHeader?: string): string {
  const correlation = correlationHeader ? headerOf(request, correlationHeader) : undefined;
  return `+${Math.max(0, request.loggedDate - startedAt)} ms ${request.method} ${request.url}${correlation ? ` (${correlationHeader}: ${correlation})` : ''}`;
}

/** The near misses of a failed verification: each request, closest first, with what differs. */
export function formatNearMisses(
  diffs: readonly RequestDiff[],
  startedAt: number,
  options: { limit?: number; correlationHeader?: string } = {},
): string {
  const limit = options.limit ?? 5;
  const lines = diffs.slice(0, limit).map((diff, index) => {
    const body = diff.request.body ? `\n      body ${short(diff.request.body)}` : '';
    const differences =
      diff.differences.length > 0
        ? diff.differences.map((line) => `\n      ✗ ${line}`).join('')
        : "\n      (no difference this diff can show: WireMock's matching decided)";
    return `  ${index + 1}. ${formatRequestHeadline(diff.request, startedAt, options.correlationHeader)}${differences}${body}`;
  });
  if (diffs.length > limit) lines.push(`  … and ${diffs.length - limit} more (see journey-timeline.md)`);
  return lines.join('\n');
}
