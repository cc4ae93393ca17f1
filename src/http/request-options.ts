// What a service client call takes besides its path: Playwright's own request options
// (`orders.post('/orders', { data: order })`, as `request.post(url, { data })` reads), and until 0.3.0
// the old positional body (`orders.post('/orders', order)`), told apart at runtime by the object's keys.
import type { ReadStream } from 'node:fs';
import type { APIRequestContext } from '@playwright/test';
import { JourneysError } from '../errors.ts';
import { deprecate } from '../util/deprecation.ts';

/** Playwright's options for `APIRequestContext.fetch`, as its own types declare them. */
type PlaywrightFetchOptions = NonNullable<Parameters<APIRequestContext['fetch']>[1]>;

/** The Playwright request options a service client call takes (the method comes from the call, the URL from the service). */
export const REQUEST_OPTION_KEYS = [
  'data',
  'form',
  'multipart',
  'headers',
  'params',
  'timeout',
  'failOnStatusCode',
  'maxRedirects',
] as const;
export type RequestOptionKey = (typeof REQUEST_OPTION_KEYS)[number];

/**
 * Playwright's request options, as `request.post(url, options)` takes them: a body as `data` (an object
 * is sent as JSON, a string or Buffer as is), `form` (urlencoded) or `multipart`; `headers` (beside the
 * correlation header, always sent), `params` (query), `timeout` (ms), `failOnStatusCode`, `maxRedirects`.
 */
export interface RequestOptions extends Pick<PlaywrightFetchOptions, RequestOptionKey> {}

/** `fetch(path, options)`: the request options and the method (default GET). */
export interface FetchOptions extends RequestOptions {
  /** HTTP method, e.g. 'OPTIONS'; default 'GET'. */
  method?: string;
}

/** The options that came third, after a positional body (deprecated): every request option but a body. */
export type PositionalOptions = Omit<RequestOptions, 'data' | 'form' | 'multipart'>;

/**
 * A positional body (deprecated): anything but an object that holds a request option key. An object
 * with one (`{ data: 1, sku: 'a' }`) is neither options nor a body: a type error, and an error at runtime.
 */
export type PositionalBody<B> = unknown extends B
  ? unknown
  : B extends object
    ? { readonly [K in Extract<keyof B, RequestOptionKey>]: never }
    : unknown;

/** Playwright options a Playwright user may reach for that these calls do not take (named in errors). */
const OTHER_PLAYWRIGHT_KEYS = new Set(['method', 'ignoreHTTPSErrors', 'maxRetries', 'signal']);
const OPTION_KEYS: ReadonlySet<string> = new Set(REQUEST_OPTION_KEYS);
const BODY_KEYS = new Set<string>(['data', 'form', 'multipart']);

/** Which call is being read, for warnings and errors: `orders.post('/orders', …)`. */
export interface CallSite {
  service: string;
  method: string;
  path: string;
}

const callOf = (site: CallSite, args: string) =>
  `${site.service}.${site.method.toLowerCase()}(${JSON.stringify(site.path).replace(/^"|"$/g, "'")}, ${args})`;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

const list = (keys: readonly string[]) => keys.join(', ');

/**
 * The request options of a `post`/`put`/`patch` call, from its arguments after the path:
 * - `(options)`: an object whose keys are all request options (or nothing);
 * - `(body)` or `(body, options)` (deprecated, one warning per process): anything else, sent as `data`.
 * An object that mixes request option keys with other keys is neither, and throws naming both.
 */
export function requestOptionsOf(site: CallSite, first: unknown, positionalOptions: unknown): RequestOptions {
  if (positionalOptions !== undefined) return positionalCall(site, first, positionalOptions);
  if (first === undefined) return {};
  if (!isPlainObject(first)) return positionalCall(site, first, undefined);
  const keys = Object.keys(first);
  const options = keys.filter((key) => OPTION_KEYS.has(key));
  const fields = keys.filter((key) => !OPTION_KEYS.has(key));
  if (fields.length === 0) return first as RequestOptions;
  if (options.length === 0) return positionalCall(site, first, undefined);
  const others = fields.filter((key) => OTHER_PLAYWRIGHT_KEYS.has(key));
  const bodyKey = options.find((key) => BODY_KEYS.has(key));
  const besides = options.filter((key) => !BODY_KEYS.has(key));
  const meant = `${list(options)} ${options.length === 1 ? 'is' : 'are'} meant`;
  throw new JourneysError(
    'USAGE',
    `${callOf(site, `{ ${list(keys)} }`)}: this object mixes request options (${list(options)}) with body fields (${list(fields)}), so it is neither the options nor the body. ` +
      `If it is all the body, pass it as data: ${callOf(site, `{ data: { ${list(keys)} } }`)}. ` +
      (bodyKey
        ? `If ${meant} as request options, ${list(fields)} ${fields.length === 1 ? 'belongs' : 'belong'} inside the body (${bodyKey}), not beside it. `
        : `If ${meant} as request options, the body goes beside them as data: ${callOf(site, `{ data: { ${list(fields)} }, ${list(besides)} }`)}. `) +
      `Request options are ${list(REQUEST_OPTION_KEYS)}; any other key is a body field.` +
      (others.length > 0
        ? ` (${list(others)}: Playwright request options these calls do not take; for them, use (await client.context()).fetch(url, options).)`
        : ''),
  );
}

/** The deprecated forms: `(body)` and `(body, options)`. */
function positionalCall(site: CallSite, body: unknown, options: unknown): RequestOptions {
  if (options !== undefined && !isPlainObject(options))
    throw new JourneysError(
      'USAGE',
      `${callOf(site, 'body, options')}: options must be an object of request options, got ${kindOf(options)}.`,
    );
  const third = (options ?? {}) as Record<string, unknown>;
  const twoBodies = Object.keys(third).filter((key) => BODY_KEYS.has(key));
  if (twoBodies.length > 0)
    throw new JourneysError(
      'USAGE',
      `${callOf(site, `body, { ${list(Object.keys(third))} }`)}: a body comes second and another (${list(twoBodies)}) in the options. Pass one object: ${callOf(site, `{ ${twoBodies[0]}: …, ${list(Object.keys(third).filter((key) => !BODY_KEYS.has(key)))} }`)}.`,
    );
  if (options !== undefined && isPlainObject(body)) {
    const optionKeys = Object.keys(body).filter((key) => OPTION_KEYS.has(key));
    if (optionKeys.length > 0)
      throw new JourneysError(
        'USAGE',
        `${callOf(site, 'body, options')}: the body has request option keys (${list(optionKeys)}) and options come third, so it is unclear which is meant. ` +
          `Pass one object: ${callOf(site, '{ data: body, ...options }')}, or request options alone: ${callOf(site, '{ data, headers, … }')}.`,
      );
  }
  const shown = options === undefined ? 'body' : body === undefined ? 'undefined, options' : 'body, options';
  const fix = body === undefined ? 'options' : options === undefined ? '{ data: body }' : '{ data: body, ...options }';
  deprecate(
    'CJ_DEP_POSITIONAL_BODY',
    `compose-journeys: ${callOf(site, shown)} passes a positional body, deprecated and removed in 0.3.0. ` +
      `Pass Playwright's request options instead: ${callOf(site, fix)}. (Warned once per process, for the first such call.)`,
  );
  return body === undefined ? { ...third } : { ...third, data: body };
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? (value.constructor?.name ?? 'an object') : typeof value;
}

/** The URL a call requests: `params` appended to the path's own query, as Playwright appends them. */
export function urlOf(path: string, baseURL: string, params: RequestOptions['params']): URL {
  const url = new URL(path, baseURL);
  if (params === undefined) return url;
  if (typeof params === 'string' || params instanceof URLSearchParams) {
    const encoded = params.toString().replace(/^\?/, '');
    if (encoded) url.search = url.search ? `${url.search}&${encoded}` : encoded;
  } else {
    for (const [name, value] of Object.entries(params)) url.searchParams.append(name, String(value));
  }
  return url;
}

/** What a call sent, as the report shows it: the data, or the form / multipart fields (files summarised). */
export function sentBody(options: RequestOptions): { body?: unknown; encoding?: 'form' | 'multipart' } {
  if (options.form !== undefined) return { body: fieldsOf(options.form), encoding: 'form' };
  if (options.multipart !== undefined) return { body: fieldsOf(options.multipart), encoding: 'multipart' };
  if (options.data === undefined) return {};
  return { body: Buffer.isBuffer(options.data) ? bytes(options.data.length) : options.data };
}

const bytes = (count: number) => `(${count} bytes)`;

function fieldsOf(fields: NonNullable<RequestOptions['form'] | RequestOptions['multipart']>): Record<string, unknown> {
  if (fields instanceof FormData) {
    const shown: Record<string, unknown> = {};
    for (const [name, value] of fields.entries()) {
      const field = typeof value === 'string' ? value : { name: value.name, mimeType: value.type, size: value.size };
      const before = shown[name];
      shown[name] = before === undefined ? field : Array.isArray(before) ? [...before, field] : [before, field];
    }
    return shown;
  }
  return Object.fromEntries(Object.entries(fields).map(([name, value]) => [name, fieldValue(value)]));
}

function fieldValue(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (Buffer.isBuffer((value as { buffer?: unknown }).buffer)) {
    const file = value as { name: string; mimeType: string; buffer: Buffer };
    return { name: file.name, mimeType: file.mimeType, size: file.buffer.length };
  }
  const path = (value as Partial<ReadStream>).path;
  if (path !== undefined) return { file: String(path) };
  return value;
}
