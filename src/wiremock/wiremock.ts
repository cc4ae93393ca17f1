// One WireMock service of the stack as a journey sees it (`wiremock()` / `wiremock('payment-provider')`):
// stubs of its own, removed after the test; the requests the journey sent; and, for the matchers,
// WireMock's verdict on an expected request plus the journey's requests to diff against it.
import type { Observation } from '../report/observations.ts';
import { carriesJourney, type JourneyMarks, journeyMarks, type Propagation } from '../trace/journey-marks.ts';
import { errorText } from '../util/error-text.ts';
import type { WireMockAdmin } from './admin.ts';
import { everyWindow } from './rate-limit.ts';
import {
  headerOf,
  jsonBodyOf,
  pathOf,
  type RequestExpectation,
  type RequestScope,
  requestIdentity,
  requestPatternOf,
} from './request-match.ts';
import { describeStub, rateLimitWindowOf, stubMappings, TAG_KEY } from './stub-mapping.ts';
import type { LoggedRequest, StubDefinition } from './types.ts';

/** What a WireMock of a test knows about the test. */
export interface WireMockTestContext {
  readonly correlationId: string;
  /** The header the stack's services forward the correlation id in (default `x-correlation-id`). */
  readonly correlationHeader: string;
  /** The journey's W3C trace id: a request whose `traceparent` carries it is the journey's. */
  readonly traceId?: string;
  /** Which of the two the stack's services pass on (default both). */
  readonly propagation?: Propagation;
  /** The test's title (tagged on its stubs). */
  readonly test: string;
  /** When the test started (ms): `scope: 'all'` looks at requests from then on. */
  readonly startedAt: number;
  /** Onto the journey timeline. */
  readonly record: (observation: Observation) => void;
  /** Called before a change every journey on the stack would see (a stub with `scope: 'all'`): may refuse it. */
  readonly beforeSharedChange?: (what: string) => void | Promise<void>;
}

export interface StubOptions {
  /** `journey` (default): only this journey's requests (its correlation header) match; `all`: every request (stack-wide; see docs/faults.md). */
  scope?: RequestScope;
}

export interface RequestsOptions {
  /** `journey` (default): requests carrying this journey's correlation id; `all`: every request since the test started. */
  scope?: RequestScope;
}

/** A stub of this test; removed after it (or earlier, with `remove()`). */
export interface Stub {
  /** WireMock's ids: one, or one per step of its scenario (a `responses` sequence, a `failing` cycle, a `rateLimit`). */
  readonly ids: readonly string[];
  remove(): Promise<void>;
}

/** A request WireMock received, as a journey reads it. */
export interface ReceivedRequest {
  readonly method: string;
  /** Path and query. */
  readonly url: string;
  readonly path: string;
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  /** The body parsed as JSON, when it is JSON. */
  readonly json?: unknown;
  /**
   * When WireMock received it (its `loggedDate`, by WireMock's clock): the gap between two requests is
   * `b.loggedAt.getTime() - a.loggedAt.getTime()`; `toHaveReceived(…, { gaps, quiet })` judges them for you.
   */
  readonly loggedAt: Date;
}

/**
 * What `expect(…).toHaveReceived(request)` is typed on: a WireMock by its shape (the matcher types
 * are global, and the class may come from this package's source or its build).
 */
export interface WireMockSource {
  readonly name: string;
  readonly service: string;
  stub(definition: StubDefinition, options?: StubOptions): Promise<Stub>;
  requests(expectation?: RequestExpectation, options?: RequestsOptions): Promise<ReceivedRequest[]>;
}

const BRAND = Symbol.for('compose-journeys.wiremock');

/** True for what `wiremock()` returns (whichever copy of this module made it). */
export function isWireMock(value: unknown): value is WireMock {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
}

export function receivedRequest(request: LoggedRequest): ReceivedRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers ?? {}))
    headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  const body = jsonBodyOf(request);
  return {
    method: request.method,
    url: request.url,
    path: pathOf(request.url),
    headers,
    body: request.body || undefined,
    ...(body && { json: body.json }),
    loggedAt: new Date(request.loggedDate),
  };
}

export class WireMock implements WireMockSource {
  readonly [BRAND] = true;
  /** `wiremock "payment-provider"`: how failure messages name it. */
  readonly name: string;
  readonly #stubIds = new Set<string>();
  /** Stops the window resets of this test's rate-limit stubs. */
  readonly #windowStops = new Set<() => void>();
  #sequences = 0;

  constructor(
    readonly admin: WireMockAdmin,
    readonly context: WireMockTestContext,
  ) {
    this.name = `wiremock "${admin.service}"`;
  }

  get service(): string {
    return this.admin.service;
  }

  /** How this journey's requests are recognised: its trace id in `traceparent`, its correlation header. */
  get marks(): JourneyMarks {
    const { correlationId, correlationHeader, traceId, propagation = 'both' } = this.context;
    return { correlationId, correlationHeader, traceId, propagation };
  }

  /** The stubs this test added and has not removed yet. */
  get stubIds(): readonly string[] {
    return [...this.#stubIds];
  }

  /**
   * A stub for this test: `await wiremock().stub({ request: { method: 'POST', urlPath: '/v1/charges' }, response: { status: 503 } })`.
   * By default it answers only this journey's requests (those carrying its correlation header), at
   * priority 1 (above the stack's defaults), and is removed after the test. `responses: [...]` answers
   * in order, one request each, then lets later requests fall through to the defaults; `failing` fails
   * a seeded share of the requests; `rateLimit` answers 429 past so many requests per window.
   */
  async stub(definition: StubDefinition, options: StubOptions = {}): Promise<Stub> {
    const scope = options.scope ?? 'journey';
    if (scope !== 'journey' && scope !== 'all')
      throw new Error(`stub(…, { scope }): "journey" or "all", got ${JSON.stringify(scope)}.`);
    const { correlationId, test } = this.context;
    const stubContext = {
      tag: { correlationId, test, pid: process.pid },
      marks: this.marks,
      scope,
      sequence: ++this.#sequences,
    };
    const mappings = stubMappings(definition, stubContext);
    const window = rateLimitWindowOf(definition, stubContext);
    if (scope === 'all')
      await this.context.beforeSharedChange?.(
        `a stub for every journey on ${this.name} (${describeStub(definition, scope)})`,
      );
    const ids: string[] = [];
    try {
      for (const mapping of mappings) {
        const id = await this.admin.addMapping(mapping);
        ids.push(id);
        this.#stubIds.add(id);
      }
    } catch (error) {
      // All or nothing: half a sequence would answer in an order nobody wrote.
      await Promise.allSettled(ids.map((id) => this.#remove(id)));
      throw error;
    }
    this.context.record({
      kind: 'wiremock',
      correlationId: scope === 'journey' ? correlationId : undefined,
      summary: `stub on ${this.service}: ${describeStub(definition, scope)}`,
      detail: { service: this.service, ids, mappings },
    });
    const stopWindow = window ? this.#startWindow(window.scenarioName, window.everyMs, scope) : () => {};
    return {
      ids,
      remove: async () => {
        stopWindow();
        await Promise.all(ids.map((id) => this.#remove(id)));
      },
    };
  }

  /** A rate limit's window ends every `everyMs`: its scenario starts over, so the next requests get through again. */
  #startWindow(scenarioName: string, everyMs: number, scope: RequestScope): () => void {
    const stop = everyWindow(
      everyMs,
      () => this.admin.setScenarioState(scenarioName, 'Started'),
      (error) =>
        this.context.record({
          kind: 'wiremock',
          correlationId: scope === 'journey' ? this.context.correlationId : undefined,
          summary: `rate limit on ${this.service}: the window could not start over (${errorText(error)}); requests stay limited`,
        }),
    );
    const stopOnce = () => {
      stop();
      this.#windowStops.delete(stopOnce);
    };
    this.#windowStops.add(stopOnce);
    return stopOnce;
  }

  async #remove(id: string): Promise<void> {
    await this.admin.removeMapping(id);
    this.#stubIds.delete(id);
  }

  /** Requests WireMock received that match (WireMock's own matching), oldest first. */
  async requests(expectation: RequestExpectation = {}, options: RequestsOptions = {}): Promise<ReceivedRequest[]> {
    return (await this.matching(expectation, options.scope ?? 'journey')).map(receivedRequest);
  }

  /** WireMock's verdict: the logged requests matching the expectation, in the scope, oldest first. */
  async matching(expectation: RequestExpectation, scope: RequestScope): Promise<LoggedRequest[]> {
    // WireMock matches headers with AND only: one look per mark, the requests either found, once each.
    const looks = scope === 'journey' ? journeyMarks(this.marks) : [undefined];
    const found = new Map<string, LoggedRequest>();
    for (const requests of await Promise.all(
      looks.map((mark) => this.admin.findRequests(requestPatternOf(expectation, mark))),
    ))
      for (const request of requests) found.set(requestIdentity(request), request);
    return [...found.values()]
      .filter((request) => scope === 'journey' || request.loggedDate >= this.context.startedAt)
      .sort((a, b) => a.loggedDate - b.loggedDate);
  }

  /** Every request since the test started, split into this journey's and the others', oldest first. */
  async window(): Promise<{ journey: LoggedRequest[]; others: LoggedRequest[] }> {
    const events = await this.admin.serveEvents(new Date(this.context.startedAt));
    const requests = events.map((event) => event.request).sort((a, b) => a.loggedDate - b.loggedDate);
    const marks = this.marks;
    const ours = (request: LoggedRequest) => carriesJourney((name) => headerOf(request, name), marks);
    return { journey: requests.filter(ours), others: requests.filter((request) => !ours(request)) };
  }

  /** After the test: its stubs go, whatever happened (also those a failed `stub()` may have left). */
  async removeStubs(): Promise<void> {
    for (const stop of [...this.#windowStops]) stop();
    const ids = [...this.#stubIds];
    if (ids.length === 0) return;
    await Promise.all(ids.map((id) => this.#remove(id)));
    await this.admin.removeByMetadata(`$.${TAG_KEY}.correlationId`, this.context.correlationId);
  }
}
