import type { APIRequest, APIResponse, TestInfo } from '@playwright/test';
import type { z } from 'zod';
import type { Endpoints } from '../stack/endpoints.ts';
import { newTraceId } from '../trace/trace-context.ts';
import {
  type ApiExchange,
  CORRELATION_HEADER,
  type ExchangeLog,
  parseResponse,
  ServiceClient,
} from './service-client.ts';

/** What a journey calls the stack's HTTP services with (the `api` fixture). */
export interface Api {
  /** The client for a service's published HTTP port (`containerPort` when it publishes several). */
  service(name: string, containerPort?: number): ServiceClient;
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
}): ApiClients {
  const responses = new WeakMap<APIResponse, ApiExchange>();
  const traceId = options.traceId ?? newTraceId();
  const log: ExchangeLog = {
    exchanges: options.exchanges,
    correlationId: options.correlationId,
    traceId,
    attach: options.attach,
    exchangeOf: (response) => responses.get(response),
    remember: (response, exchange) => responses.set(response, exchange),
  };
  const clients = new Map<string, ServiceClient>();
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
        );
        clients.set(key, client);
      }
      return client;
    },
    parse: (response, schema, parseOptions = {}) => parseResponse(log, response, schema, parseOptions),
    async dispose() {
      await Promise.all([...clients.values()].map((client) => client.dispose()));
      clients.clear();
    },
  };
}
