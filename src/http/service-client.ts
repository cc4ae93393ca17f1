// HTTP to one service of the stack, as a journey reads it: `orders.post('/orders', { data: order }).expect(201, orderSchema)`,
// with Playwright's own request options. Every exchange carries the test's correlation id and is recorded for the failure report.
import type { APIRequestContext, APIResponse, TestInfo } from '@playwright/test';
import type { z } from 'zod';
import { parseWithSchema, SchemaMismatchError } from '../data/schema-diff.ts';
import { REDACTED } from '../report/redaction.ts';
import { TRACEPARENT_HEADER, traceparentFor } from '../trace/trace-context.ts';
import { errorText } from '../util/error-text.ts';
import {
  type FetchOptions,
  type PositionalBody,
  type PositionalOptions,
  type RequestOptions,
  requestOptionsOf,
  sentBody,
  urlOf,
} from './request-options.ts';
import { ResponseContractError } from './response-contract-error.ts';

export type { FetchOptions, PositionalBody, PositionalOptions, RequestOptions } from './request-options.ts';

export const CORRELATION_HEADER = 'x-correlation-id';

/** One HTTP exchange of a test, as the report shows it. */
export interface ApiExchange {
  service: string;
  /** The role the call went as (its token sent), when it went as one. */
  role?: string;
  method: string;
  url: string;
  status?: number;
  startedAt: string;
  durationMs: number;
  request: {
    headers?: Record<string, string>;
    /** What was sent: the `data`, or the `form`/`multipart` fields (files as name, type and size). */
    body?: unknown;
    /** How the body was encoded, when not as `data` (JSON for objects, as is for strings). */
    encoding?: 'form' | 'multipart';
  };
  response?: { headers: Record<string, string>; body: unknown };
  error?: string;
}

/** Where a service client reports to: the test's exchange list, and its attach (for parse failures). */
export interface ExchangeLog {
  readonly exchanges: ApiExchange[];
  readonly correlationId: string;
  /** The journey's W3C trace id: every call carries it in `traceparent`, with a span id of its own. */
  readonly traceId?: string;
  readonly attach?: TestInfo['attach'];
  /**
   * Runs each call as a step of the test (`test.step`, boxed): the report's steps and the trace viewer
   * name the service and path of every call (`orders: POST /orders as customer`), with Playwright's request inside.
   */
  readonly step?: <T>(title: string, body: () => Promise<T>) => Promise<T>;
  /** The exchange of a response this log recorded. */
  exchangeOf(response: APIResponse): ApiExchange | undefined;
  remember(response: APIResponse, exchange: ApiExchange): void;
}

/** Tokens for roles (the `roles` option): what a client needs to call as one. */
export interface RoleAuthorizer {
  /** Throws for an unknown role, listing the declared ones. */
  check(role: string): void;
  token(role: string): Promise<string>;
  /** The service answered 401 to this token: the next `token()` gets a new one. */
  rejected(role: string, token: string): void;
}

const MAX_BODY_CHARS = 64_000;
const AUTHORIZATION = 'authorization';

/**
 * A request that is sent once, when first awaited or asked to `expect`. Awaiting it gives the raw
 * Playwright `APIResponse`; `expect(status, schema)` checks the status and parses the JSON body.
 */
export class ApiCall implements PromiseLike<APIResponse> {
  #sent: Promise<APIResponse> | undefined;

  constructor(
    private readonly send: () => Promise<APIResponse>,
    private readonly log: ExchangeLog,
  ) {}

  #response(): Promise<APIResponse> {
    this.#sent ??= this.send();
    return this.#sent;
  }

  // biome-ignore lint/suspicious/noThenProperty: awaited without `expect`, a call gives its raw response, like Playwright's request.get().
  then<A = APIResponse, B = never>(
    onFulfilled?: ((response: APIResponse) => A | PromiseLike<A>) | null,
    onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    return this.#response().then(onFulfilled, onRejected);
  }

  /** The status must be `status`; with a schema, the JSON body parsed by it (a readable diff otherwise). */
  expect<S extends z.ZodType>(status: number, schema: S): Promise<z.output<S>>;
  expect(status: number): Promise<APIResponse>;
  async expect(status: number, schema?: z.ZodType): Promise<unknown> {
    const response = await this.#response();
    if (!schema) {
      if (response.status() !== status)
        await failParse(
          this.log,
          response,
          new ResponseContractError(
            `${labelOf(this.log, response)}: expected status ${status}, received ${response.status()}. Body: ${(await response.text()).slice(0, 500)}`,
          ),
          undefined,
        );
      return response;
    }
    return parseResponse(this.log, response, schema, { status });
  }

  /** The JSON body parsed by `schema`, whatever the status. */
  async json<S extends z.ZodType>(schema: S): Promise<z.output<S>> {
    return parseResponse(this.log, await this.#response(), schema, {});
  }
}

/** HTTP to one published port of one service; paths are relative to it. */
export class ServiceClient {
  /** Shared by the clients `as()` makes: one request context per service and test. */
  readonly #shared: { context?: Promise<APIRequestContext> };
  readonly #baseURL: string | (() => string);

  constructor(
    readonly service: string,
    /** Where the service is published; a function is asked on every call (a restarted container gets a new host port). */
    baseURL: string | (() => string),
    private readonly newContext: () => Promise<APIRequestContext>,
    private readonly log: ExchangeLog,
    private readonly auth?: RoleAuthorizer,
    /** The role calls go as (its token in `Authorization`); undefined: anonymous. */
    readonly role?: string,
    shared: { context?: Promise<APIRequestContext> } = {},
  ) {
    this.#baseURL = baseURL;
    this.#shared = shared;
  }

  /**
   * The same service, called as another role: `api.service('orders').as('staff').post(...)`. `null`
   * calls anonymously (no token), whatever the test's default role. An unknown role throws here,
   * listing the declared ones.
   */
  as(role: string | null): ServiceClient {
    if (role !== null) {
      if (!this.auth)
        throw new Error(
          `[TEST] No roles are declared, so "${role}" is unknown. Declare them in playwright.config.ts (use: { roles }) or with test.use({ roles }).`,
        );
      this.auth.check(role);
    }
    return new ServiceClient(
      this.service,
      this.#baseURL,
      this.newContext,
      this.log,
      this.auth,
      role ?? undefined,
      this.#shared,
    );
  }

  get baseURL(): string {
    return typeof this.#baseURL === 'function' ? this.#baseURL() : this.#baseURL;
  }

  get(path: string, options?: RequestOptions): ApiCall {
    return this.#call('GET', path, options);
  }

  delete(path: string, options?: RequestOptions): ApiCall {
    return this.#call('DELETE', path, options);
  }

  head(path: string, options?: RequestOptions): ApiCall {
    return this.#call('HEAD', path, options);
  }

  /** Any method (default GET), as Playwright's `request.fetch(url, { method })`. */
  fetch(path: string, options: FetchOptions = {}): ApiCall {
    const { method = 'GET', ...rest } = options;
    return this.#call(method.toUpperCase(), path, rest);
  }

  /** `orders.post('/orders', { data: order })`: the body as `data` (JSON for objects), `form` or `multipart`. */
  post(path: string, options?: RequestOptions): ApiCall;
  /** @deprecated Pass { data: body }: removed in 0.3.0. */
  post<B>(path: string, body: B & PositionalBody<B>, options?: PositionalOptions): ApiCall;
  post(path: string, bodyOrOptions?: unknown, options?: PositionalOptions): ApiCall {
    return this.#withBody('POST', path, bodyOrOptions, options);
  }

  /** `orders.put('/orders/1', { data: order })`: the body as `data` (JSON for objects), `form` or `multipart`. */
  put(path: string, options?: RequestOptions): ApiCall;
  /** @deprecated Pass { data: body }: removed in 0.3.0. */
  put<B>(path: string, body: B & PositionalBody<B>, options?: PositionalOptions): ApiCall;
  put(path: string, bodyOrOptions?: unknown, options?: PositionalOptions): ApiCall {
    return this.#withBody('PUT', path, bodyOrOptions, options);
  }

  /** `orders.patch('/orders/1', { data: change })`: the body as `data` (JSON for objects), `form` or `multipart`. */
  patch(path: string, options?: RequestOptions): ApiCall;
  /** @deprecated Pass { data: body }: removed in 0.3.0. */
  patch<B>(path: string, body: B & PositionalBody<B>, options?: PositionalOptions): ApiCall;
  patch(path: string, bodyOrOptions?: unknown, options?: PositionalOptions): ApiCall {
    return this.#withBody('PATCH', path, bodyOrOptions, options);
  }

  /** The Playwright request context behind this client, for what the methods above do not cover. */
  context(): Promise<APIRequestContext> {
    this.#shared.context ??= this.newContext();
    return this.#shared.context;
  }

  async dispose(): Promise<void> {
    const context = this.#shared.context;
    this.#shared.context = undefined;
    if (context) await (await context).dispose();
  }

  /** Request options, or (deprecated) a positional body: read now, so a wrong call throws where it is made. */
  #withBody(method: string, path: string, bodyOrOptions: unknown, options: unknown): ApiCall {
    return this.#call(method, path, requestOptionsOf({ service: this.service, method, path }, bodyOrOptions, options));
  }

  #call(method: string, path: string, options: RequestOptions = {}): ApiCall {
    return new ApiCall(() => this.#send(method, path, options), this.log);
  }

  #send(method: string, path: string, options: RequestOptions): Promise<APIResponse> {
    const send = () => this.#sendAs(method, path, options);
    const title = `${this.service}: ${method} ${path}${this.role !== undefined ? ` as ${this.role}` : ''}`;
    return this.log.step ? this.log.step(title, send) : send();
  }

  async #sendAs(method: string, path: string, options: RequestOptions): Promise<APIResponse> {
    const given = new Set(Object.keys(options.headers ?? {}).map((name) => name.toLowerCase()));
    // The role's token, unless the journey sends an Authorization of its own.
    const role = this.role !== undefined && this.auth && !given.has(AUTHORIZATION) ? this.role : undefined;
    if (role === undefined || !this.auth) return this.#sendOnce(method, path, options, given, undefined);
    const token = await this.auth.token(role);
    const response = await this.#sendOnce(method, path, options, given, { role, token });
    if (response.status() !== 401) return response;
    // Revoked, or expired early (clock skew, a restarted identity provider): one new token, one retry.
    this.auth.rejected(role, token);
    const renewed = await this.auth.token(role);
    return this.#sendOnce(method, path, options, given, { role, token: renewed });
  }

  async #sendOnce(
    method: string,
    path: string,
    options: RequestOptions,
    given: ReadonlySet<string>,
    auth: { role: string; token: string } | undefined,
  ): Promise<APIResponse> {
    const url = urlOf(path, this.baseURL, options.params);
    // A fresh span of the journey's trace per call, unless the journey sends a traceparent of its own.
    const trace: Record<string, string> =
      this.log.traceId && !given.has(TRACEPARENT_HEADER)
        ? { [TRACEPARENT_HEADER]: traceparentFor(this.log.traceId) }
        : {};
    const headers: Record<string, string> = {
      ...trace,
      ...(auth && { [AUTHORIZATION]: `Bearer ${auth.token}` }),
      ...options.headers,
    };
    const exchange: ApiExchange = {
      service: this.service,
      ...(auth && { role: auth.role }),
      method,
      url: url.toString(),
      startedAt: new Date().toISOString(),
      durationMs: 0,
      request: {
        // The token itself never enters the record (`role` says whose it was).
        headers: {
          [CORRELATION_HEADER]: this.log.correlationId,
          ...headers,
          ...(auth && { [AUTHORIZATION]: `Bearer ${REDACTED}` }),
        },
        ...sentBody(options),
      },
    };
    this.log.exchanges.push(exchange);
    const began = performance.now();
    try {
      const context = await this.context();
      // The options one by one: nothing else an untyped caller put in the object reaches Playwright.
      const { data, form, multipart, timeout, failOnStatusCode, maxRedirects } = options;
      const response = await context.fetch(url.toString(), {
        method,
        data,
        form,
        multipart,
        headers,
        timeout,
        failOnStatusCode,
        maxRedirects,
      });
      exchange.durationMs = performance.now() - began;
      exchange.status = response.status();
      exchange.url = response.url();
      exchange.response = { headers: response.headers(), body: await bodyOf(response) };
      this.log.remember(response, exchange);
      return response;
    } catch (error) {
      exchange.durationMs = performance.now() - began;
      exchange.error = errorText(error);
      throw error;
    }
  }
}

function labelOf(log: ExchangeLog, response: APIResponse): string {
  const exchange = log.exchangeOf(response);
  return exchange
    ? `${exchange.method} ${exchange.url} (${exchange.status})`
    : `Response from ${response.url()} (${response.status()})`;
}

/** The response's JSON parsed by `schema` (and its status checked); on mismatch, attaches request and response and throws a readable diff. */
export async function parseResponse<S extends z.ZodType>(
  log: ExchangeLog,
  response: APIResponse,
  schema: S,
  options: { status?: number },
): Promise<z.output<S>> {
  const label = labelOf(log, response);
  let body: unknown;
  try {
    if (options.status !== undefined && response.status() !== options.status) {
      throw new ResponseContractError(
        `${label}: expected status ${options.status}, received ${response.status()}. Body: ${(await response.text()).slice(0, 500)}`,
      );
    }
    const text = await response.text();
    try {
      body = JSON.parse(text);
    } catch {
      throw new ResponseContractError(`${label}: body is not JSON: ${text.slice(0, 500)}`);
    }
    return parseWithSchema(schema, body, `${label} body`);
  } catch (error) {
    return failParse(log, response, error, body);
  }
}

async function failParse(log: ExchangeLog, response: APIResponse, error: unknown, body: unknown): Promise<never> {
  const exchange = log.exchangeOf(response);
  if (log.attach) {
    await log.attach(`request ${exchange?.method ?? ''} ${new URL(response.url()).pathname}`.trim(), {
      body: JSON.stringify({ method: exchange?.method, url: response.url(), ...exchange?.request }, null, 2),
      contentType: 'application/json',
    });
    await log.attach(`response ${response.status()}`, {
      body: JSON.stringify(
        { status: response.status(), headers: response.headers(), body: exchange?.response?.body ?? body },
        null,
        2,
      ),
      contentType: 'application/json',
    });
  }
  if (error instanceof SchemaMismatchError) error.message += '\nRequest and response are attached to the report.';
  throw error;
}

async function bodyOf(response: APIResponse): Promise<unknown> {
  try {
    const text = (await response.body()).toString('utf8');
    if (text === '') return undefined;
    const type = response.headers()['content-type'] ?? '';
    if (type.includes('json')) {
      try {
        return JSON.parse(text);
      } catch {
        // a JSON content type with a broken body: keep the text
      }
    }
    return text.length > MAX_BODY_CHARS ? `${text.slice(0, MAX_BODY_CHARS)}… (${text.length} chars)` : text;
  } catch (error) {
    return `(body unavailable: ${errorText(error)})`;
  }
}
