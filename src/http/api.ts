import type { APIRequest, APIResponse, TestInfo } from '@playwright/test';
import type { z } from 'zod';
import type { RoleTokens } from '../auth/role-tokens.ts';
import type { JourneyIdentity } from '../auth/roles.ts';
import type { Endpoints } from '../stack/endpoints.ts';
import { newTraceId } from '../trace/trace-context.ts';
import {
  type ApiExchange,
  CORRELATION_HEADER,
  type ExchangeLog,
  parseResponse,
  type RoleAuthorizer,
  ServiceClient,
} from './service-client.ts';

/** What a journey calls the stack's HTTP services with (the `api` fixture). */
export interface Api {
  /**
   * The client for a service's published HTTP port (`containerPort` when it publishes several). Its calls go
   * as the test's `role` (anonymous without one); `.as('staff')` for another.
   */
  service(name: string, containerPort?: number): ServiceClient;
  /** A role's current token (cached, renewed before it expires), for a client of your own; default: the test's role. */
  token(role?: string): Promise<string>;
  /** A raw response's JSON parsed by `schema` (and its status checked); on mismatch a readable diff, with request and response attached. */
  parse<S extends z.ZodType>(response: APIResponse, schema: S, options?: { status?: number }): Promise<z.output<S>>;
  readonly correlationId: string;
  /** The journey's W3C trace id, sent in `traceparent` (a fresh span id per call, sampled). */
  readonly traceId: string;
}

export interface ApiClients extends Api {
  dispose(): Promise<void>;
}

/** What the `api` fixture builds for a test; callable outside the runner (the bench measures it). */
export function createApi(options: {
  endpoints: Endpoints;
  correlationId: string;
  /** The journey's trace id (a new one when not given). */
  traceId?: string;
  request: Pick<APIRequest, 'newContext'>;
  exchanges: ApiExchange[];
  attach?: TestInfo['attach'];
  /** Runs each call as a test step (the `api` fixture: `test.step`, boxed), so the report and the trace name it. */
  step?: ExchangeLog['step'];
  /** Declared roles' tokens, the role calls go as by default, and the journey (for its own identities). */
  auth?: { tokens: RoleTokens; role?: string; journey: JourneyIdentity };
}): ApiClients {
  const responses = new WeakMap<APIResponse, ApiExchange>();
  const traceId = options.traceId ?? newTraceId();
  const log: ExchangeLog = {
    exchanges: options.exchanges,
    correlationId: options.correlationId,
    traceId,
    attach: options.attach,
    step: options.step,
    exchangeOf: (response) => responses.get(response),
    remember: (response, exchange) => responses.set(response, exchange),
  };
  const clients = new Map<string, ServiceClient>();
  const auth = options.auth;
  const authorizer: RoleAuthorizer | undefined = auth && {
    check: (role) => void auth.tokens.role(role),
    token: (role) => auth.tokens.token(role, auth.journey),
    rejected: (role, token) => auth.tokens.rejected(role, auth.journey, token),
  };
  if (auth?.role !== undefined) auth.tokens.role(auth.role); // an unknown default role fails the test at once
  return {
    correlationId: options.correlationId,
    traceId,
    service(name, containerPort) {
      const key = `${name}:${containerPort ?? ''}`;
      let client = clients.get(key);
      if (!client) {
        options.endpoints.url(name, containerPort); // throws, listing the services, for an unknown name
        // Looked up on every call: a service the faults fixture restarted is published on a new port.
        const baseURL = () => options.endpoints.url(name, containerPort);
        client = new ServiceClient(
          name,
          baseURL,
          () => options.request.newContext({ extraHTTPHeaders: { [CORRELATION_HEADER]: options.correlationId } }),
          log,
          authorizer,
          auth?.role,
        );
        clients.set(key, client);
      }
      return client;
    },
    async token(role = auth?.role) {
      if (!auth)
        throw new Error(
          '[TEST] No roles are declared: declare them with test.use({ roles }) or in playwright.config.ts.',
        );
      if (role === undefined) throw new Error("[TEST] This test has no default role: name one, api.token('staff').");
      return auth.tokens.token(role, auth.journey);
    },
    parse: (response, schema, parseOptions = {}) => parseResponse(log, response, schema, parseOptions),
    async dispose() {
      await Promise.all([...clients.values()].map((client) => client.dispose()));
      clients.clear();
      if (auth) auth.tokens.forgetJourney(auth.journey);
    },
  };
}
