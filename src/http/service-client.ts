// HTTP to one service of the stack, as a journey reads it: `orders.post('/orders', body).expect(201, orderSchema)`.
// Every exchange carries the test's correlation id and is recorded for the failure report.
import type { APIRequestContext, APIResponse, TestInfo } from '@playwright/test';
import type { z } from 'zod';
import { parseWithSchema, SchemaMismatchError } from '../data/schema-diff.ts';
import { errorText } from '../util/error-text.ts';

export const CORRELATION_HEADER = 'x-correlation-id';

/** One HTTP exchange of a test, as the report shows it. */
export interface ApiExchange {
  service: string;
  method: string;
  url: string;
  status?: number;
  startedAt: string;
  durationMs: number;
  request: { headers?: Record<string, string>; body?: unknown };
  response?: { headers: Record<string, string>; body: unknown };
  error?: string;
}

export interface RequestOptions {
  /** Query parameters, appended to the path. */
  params?: Record<string, string | number | boolean>;
  /** Extra headers (the correlation header is always sent). */
  headers?: Record<string, string>;
  /** Request timeout in ms (Playwright's default otherwise). */
  timeout?: number;
}

/** Where a service client reports to: the test's exchange list, and its attach (for parse failures). */
export interface ExchangeLog {
  readonly exchanges: ApiExchange[];
  readonly correlationId: string;
  readonly attach?: TestInfo['attach'];
  /** The exchange of a response this log recorded. */
  exchangeOf(response: APIResponse): ApiExchange | undefined;
  remember(response: APIResponse, exchange: ApiExchange): void;
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD';
const MAX_BODY_CHARS = 64_000;

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
          new Error(
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
  #context: Promise<APIRequestContext> | undefined;
  readonly #baseURL: string | (() => string);

  constructor(
    readonly service: string,
    /** Where the service is published; a function is asked on every call (a restarted container gets a new host port). */
    baseURL: string | (() => string),
    private readonly newContext: () => Promise<APIRequestContext>,
    private readonly log: ExchangeLog,
  ) {
    this.#baseURL = baseURL;
  }

  get baseURL(): string {
    return typeof this.#baseURL === 'function' ? this.#baseURL() : this.#baseURL;
  }

  get(path: string, options?: RequestOptions): ApiCall {
    return this.#call('GET', path, undefined, options);
  }

  delete(path: string, options?: RequestOptions): ApiCall {
    return this.#call('DELETE', path, undefined, options);
  }

  head(path: string, options?: RequestOptions): ApiCall {
    return this.#call('HEAD', path, undefined, options);
  }

  /** `body` is sent as JSON (objects), or as is (strings, Buffers). */
  post(path: string, body?: unknown, options?: RequestOptions): ApiCall {
    return this.#call('POST', path, body, options);
  }

  put(path: string, body?: unknown, options?: RequestOptions): ApiCall {
    return this.#call('PUT', path, body, options);
  }

  patch(path: string, body?: unknown, options?: RequestOptions): ApiCall {
    return this.#call('PATCH', path, body, options);
  }

  /** The Playwright request context behind this client, for what the methods above do not cover. */
  context(): Promise<APIRequestContext> {
    this.#context ??= this.newContext();
    return this.#context;
  }

  async dispose(): Promise<void> {
    const context = this.#context;
    this.#context = undefined;
    if (context) await (await context).dispose();
  }

  #call(method: Method, path: string, body: unknown, options: RequestOptions = {}): ApiCall {
    return new ApiCall(() => this.#send(method, path, body, options), this.log);
  }

  async #send(method: Method, path: string, body: unknown, options: RequestOptions): Promise<APIResponse> {
    const url = new URL(path, this.baseURL);
    for (const [name, value] of Object.entries(options.params ?? {})) url.searchParams.set(name, String(value));
    const exchange: ApiExchange = {
      service: this.service,
      method,
      url: url.toString(),
      startedAt: new Date().toISOString(),
      durationMs: 0,
      request: { headers: { [CORRELATION_HEADER]: this.log.correlationId, ...options.headers }, body },
    };
    this.log.exchanges.push(exchange);
    const began = performance.now();
    try {
      const context = await this.context();
      const response = await context.fetch(url.toString(), {
        method,
        data: body,
        headers: options.headers,
        timeout: options.timeout,
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
      throw new Error(
        `${label}: expected status ${options.status}, received ${response.status()}. Body: ${(await response.text()).slice(0, 500)}`,
      );
    }
    const text = await response.text();
    try {
      body = JSON.parse(text);
    } catch {
      throw new Error(`${label}: body is not JSON: ${text.slice(0, 500)}`);
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
