// WireMock's admin API (/__admin), for one WireMock service of the stack: stubs in and out, the
// request journal out. Errors quote WireMock's own answer.
import { errorText } from '../util/error-text.ts';
import type { LoggedRequest, RequestPattern, ServeEvent } from './types.ts';

const TIMEOUT_MS = 10_000;

export class WireMockAdminError extends Error {
  constructor(
    message: string,
    readonly status?: number,
    readonly wiremockErrors?: string[],
  ) {
    super(message);
    this.name = 'WireMockAdminError';
  }
}

interface WireMockErrors {
  errors?: { code?: number; source?: { pointer?: string }; title?: string; detail?: string }[];
}

/** `Error parsing JSON at /request/bodyPatterns/0: {"equalToJsonx":{}} is not a valid match operation`. */
export function wiremockErrorLines(body: string): string[] {
  try {
    const parsed = JSON.parse(body) as WireMockErrors;
    if (Array.isArray(parsed.errors) && parsed.errors.length > 0) {
      return parsed.errors.map(
        (error) =>
          [error.title, error.source?.pointer && `at ${error.source.pointer}`].filter(Boolean).join(' ') +
          (error.detail ? `: ${error.detail}` : ''),
      );
    }
  } catch {
    // not WireMock's error JSON: quoted as is below
  }
  const text = body.trim();
  return text ? [text.length > 500 ? `${text.slice(0, 500)}…` : text] : [];
}

export class WireMockAdmin {
  readonly #baseUrl: () => string;

  constructor(
    /** The Compose service. */
    readonly service: string,
    /** Where the host reaches it, `http://127.0.0.1:49153` (asked on every call: a restart moves it). */
    baseUrl: string | (() => string),
  ) {
    this.#baseUrl = typeof baseUrl === 'function' ? baseUrl : () => baseUrl;
  }

  get baseUrl(): string {
    return this.#baseUrl();
  }

  async #call(method: string, path: string, body?: unknown): Promise<{ status: number; text: string }> {
    const url = `${this.baseUrl}/__admin${path}`;
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: body === undefined ? undefined : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      throw new WireMockAdminError(
        `WireMock "${this.service}" does not answer at ${this.baseUrl} (${method} /__admin${path}): ${cause ?? errorText(error)}. Is it running (npx journeys status)?`,
      );
    }
    return { status: response.status, text: await response.text() };
  }

  async #json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const { status, text } = await this.#call(method, path, body);
    if (status >= 300) {
      const lines = wiremockErrorLines(text);
      throw new WireMockAdminError(
        `WireMock "${this.service}" answered ${method} /__admin${path} with ${status}${lines.length ? `: ${lines.join('; ')}` : ''}`,
        status,
        lines,
      );
    }
    return (text ? JSON.parse(text) : {}) as T;
  }

  /** Adds a stub mapping; WireMock's id for it. A stub WireMock rejects throws its own words. */
  async addMapping(mapping: unknown): Promise<string> {
    const { status, text } = await this.#call('POST', '/mappings', mapping);
    if (status !== 201 && status !== 200) {
      const lines = wiremockErrorLines(text);
      throw new WireMockAdminError(
        `WireMock "${this.service}" rejected the stub (${status}): ${lines.join('; ') || '(no reason given)'}\nThe stub as sent: ${JSON.stringify(mapping)}`,
        status,
        lines,
      );
    }
    return (JSON.parse(text) as { id: string }).id;
  }

  /** Removes a stub; a stub that is already gone is fine. */
  async removeMapping(id: string): Promise<void> {
    const { status, text } = await this.#call('DELETE', `/mappings/${id}`);
    if (status >= 300 && status !== 404)
      throw new WireMockAdminError(
        `WireMock "${this.service}" could not remove stub ${id} (${status}): ${wiremockErrorLines(text).join('; ')}`,
        status,
      );
  }

  /** Removes every stub whose metadata at `jsonPath` equals `value`. */
  async removeByMetadata(jsonPath: string, value: string): Promise<void> {
    await this.#json('POST', '/mappings/remove-by-metadata', {
      matchesJsonPath: { expression: jsonPath, equalTo: value },
    });
  }

  /** Every stub it has (the coverage catalog's stubs). */
  async mappings(): Promise<{ id: string; request?: Record<string, unknown>; metadata?: Record<string, unknown> }[]> {
    return (
      await this.#json<{
        mappings: { id: string; request?: Record<string, unknown>; metadata?: Record<string, unknown> }[];
      }>('GET', '/mappings')
    ).mappings;
  }

  /** Stubs whose metadata at `jsonPath` equals `value`. */
  async mappingsByMetadata(
    jsonPath: string,
    value: string,
  ): Promise<{ id: string; metadata?: Record<string, unknown> }[]> {
    return (
      await this.#json<{ mappings: { id: string; metadata?: Record<string, unknown> }[] }>(
        'POST',
        '/mappings/find-by-metadata',
        { matchesJsonPath: { expression: jsonPath, equalTo: value } },
      )
    ).mappings;
  }

  /**
   * Puts a scenario in a state (`Started` starts it over): WireMock 3's `PUT /__admin/scenarios/{name}/state`.
   * WireMock looks the name up in the path as sent, undecoded, so a name with characters a URL must
   * escape is not found: keep such names to letters, digits and `-._~`.
   */
  async setScenarioState(name: string, state: string): Promise<void> {
    await this.#json('PUT', `/scenarios/${encodeURIComponent(name)}/state`, { state });
  }

  /** Journal entries matching a request pattern (WireMock decides). */
  async findRequests(pattern: RequestPattern): Promise<LoggedRequest[]> {
    return (await this.#json<{ requests: LoggedRequest[] }>('POST', '/requests/find', pattern)).requests;
  }

  /** Journal entries no stub matched (WireMock answered them 404). */
  async unmatchedRequests(): Promise<LoggedRequest[]> {
    return (await this.#json<{ requests: LoggedRequest[] }>('GET', '/requests/unmatched')).requests;
  }

  /** Every journal entry since `since` (newest first, as WireMock lists them). */
  async serveEvents(since: Date): Promise<ServeEvent[]> {
    return (
      await this.#json<{ requests: ServeEvent[] }>('GET', `/requests?since=${encodeURIComponent(since.toISOString())}`)
    ).requests;
  }
}
