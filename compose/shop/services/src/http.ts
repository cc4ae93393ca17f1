// A small JSON HTTP server on node:http: routing with path parameters, zod errors as 400s. Trace context
// (`traceparent`) is OpenTelemetry's business: its http instrumentation makes each request a span.

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { ZodError } from 'zod';
import type { Logger } from './logger.ts';

const MAX_BODY_BYTES = 1024 * 1024;

export interface Request {
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  /** The raw request, for its headers (Authorization). */
  headers: IncomingMessage['headers'];
  log: Logger;
}
export interface Reply {
  status: number;
  body: unknown;
}
export interface Route {
  method: 'GET' | 'POST';
  /** Segments starting with `:` are parameters, e.g. `/orders/:id`. */
  path: string;
  handler(req: Request): Promise<Reply>;
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface HttpServer {
  stop(): Promise<void>;
}

export async function startHttpServer(port: number, routes: Route[], log: Logger): Promise<HttpServer> {
  const server = createServer((req, res) => {
    void serve(req, res, routes, log);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, resolve);
  });
  return {
    // Stops accepting connections and resolves once in-flight requests are answered.
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}

async function serve(req: IncomingMessage, res: ServerResponse, routes: Route[], baseLog: Logger): Promise<void> {
  const started = performance.now();
  const log = baseLog;
  const url = new URL(req.url ?? '/', 'http://localhost');
  let reply: Reply;
  try {
    const match = findRoute(routes, req.method ?? 'GET', url.pathname);
    if (!match) throw new HttpError(404, 'not found');
    const body = req.method === 'POST' ? await readJson(req) : undefined;
    reply = await match.route.handler({
      params: match.params,
      query: url.searchParams,
      body,
      headers: req.headers,
      log,
    });
  } catch (err) {
    reply = errorReply(err, log);
  }
  res.writeHead(reply.status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(reply.body));
  // Healthchecks run every second; keep them out of the default log level.
  const level = url.pathname === '/health' && reply.status === 200 ? 'debug' : 'info';
  log[level]('http request', {
    method: req.method,
    path: url.pathname,
    status: reply.status,
    durationMs: Math.round(performance.now() - started),
  });
}

function errorReply(err: unknown, log: Logger): Reply {
  if (err instanceof ZodError) return { status: 400, body: { error: 'invalid request', issues: err.issues } };
  if (err instanceof HttpError) return { status: err.status, body: { error: err.message } };
  log.error('request failed', { err });
  return { status: 500, body: { error: 'internal error' } };
}

function findRoute(routes: Route[], method: string, pathname: string) {
  const segments = pathname.split('/').filter(Boolean);
  for (const route of routes) {
    if (route.method !== method) continue;
    const pattern = route.path.split('/').filter(Boolean);
    if (pattern.length !== segments.length) continue;
    const params: Record<string, string> = {};
    const matches = pattern.every((part, i) => {
      const segment = decodeURIComponent(segments[i] ?? '');
      if (part.startsWith(':')) params[part.slice(1)] = segment;
      return part.startsWith(':') || part === segment;
    });
    if (matches) return { route, params };
  }
  return undefined;
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, 'request body too large');
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, 'request body is not valid JSON');
  }
}
