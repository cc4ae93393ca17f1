// The service client over a real HTTP server on 127.0.0.1 and Playwright's real request context:
// what a call with Playwright's request options puts on the wire, what the exchange records, the
// deprecated positional body, and the calls that are neither (a type error, and an error at runtime).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { type APIRequest, expect, test } from '@playwright/test';
import { type ApiClients, createApi } from '../../src/http/api.ts';
import type { ApiExchange, ServiceClient } from '../../src/http/service-client.ts';
import { Endpoints } from '../../src/stack/endpoints.ts';
import { resetDeprecations } from '../../src/util/deprecation.ts';
import { REPO } from '../support/cli.ts';

const CORRELATION_ID = 'cj1-service-client-0a1b2c';

interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** An HTTP server that records what it receives. `/status/404` answers 404, `/redirect` 302, `/slow` after 2 s. */
async function serve(): Promise<{ port: number; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const url = request.url ?? '/';
      received.push({
        method: request.method ?? '',
        url,
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      const answer = (status: number, headers: Record<string, string> = {}) => {
        response.writeHead(status, { 'content-type': 'application/json', ...headers });
        response.end(JSON.stringify({ status }));
      };
      if (url.startsWith('/status/')) answer(Number(url.slice('/status/'.length)));
      else if (url === '/redirect') answer(302, { location: '/landed' });
      else if (url === '/slow') setTimeout(() => answer(200), 2_000);
      else answer(200);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The `api` fixture's object over the server (service "loans"), as createApi builds it for a test. */
async function withLoans(
  request: APIRequest,
  body: (context: {
    loans: ServiceClient;
    api: ApiClients;
    received: Received[];
    exchanges: ApiExchange[];
  }) => Promise<void>,
): Promise<void> {
  const server = await serve();
  const exchanges: ApiExchange[] = [];
  const endpoints = new Endpoints([
    {
      service: 'loans',
      containerPort: 8080,
      protocol: 'tcp',
      host: '127.0.0.1',
      port: server.port,
      url: `http://127.0.0.1:${server.port}`,
    },
  ]);
  const api = createApi({ endpoints, correlationId: CORRELATION_ID, request, exchanges });
  try {
    await body({ loans: api.service('loans'), api, received: server.received, exchanges });
  } finally {
    await api.dispose();
    await server.close();
  }
}

/** The warnings Node emits while `run` runs (and the tick after, when emitWarning delivers them). */
async function warningsDuring(run: () => Promise<void>): Promise<Error[]> {
  const warnings: Error[] = [];
  const listen = (warning: Error) => warnings.push(warning);
  process.on('warning', listen);
  try {
    await run();
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off('warning', listen);
  }
  return warnings;
}

test('{ data } sends the object itself as JSON, as Playwright does, and the exchange records it', async ({
  playwright,
}) => {
  await withLoans(playwright.request, async ({ loans, received, exchanges }) => {
    const response = await loans.post('/loans', { data: { bookId: 7, memberId: 'ada' } });
    expect(response.status()).toBe(200);
    expect(received[0]).toMatchObject({ method: 'POST', url: '/loans' });
    expect(received[0]!.headers['content-type']).toBe('application/json');
    // Not {"data":{...}}: the body the service reads is the object itself.
    expect(JSON.parse(received[0]!.body)).toEqual({ bookId: 7, memberId: 'ada' });
    expect(exchanges[0]!.request.body).toEqual({ bookId: 7, memberId: 'ada' });
    expect(exchanges[0]!.request.encoding).toBeUndefined();

    // put and patch alike; a string or Buffer as data goes as is (the exchange shows a Buffer's size, not its bytes).
    await loans.put('/loans/1', { data: { returned: true } }).expect(200);
    await loans.patch('/loans/1', { data: 'due=14', headers: { 'content-type': 'text/plain' } }).expect(200);
    await loans.post('/covers', { data: Buffer.from('0123456789') }).expect(200);
    expect(received.slice(1).map((r) => `${r.method} ${r.body}`)).toEqual([
      'PUT {"returned":true}',
      'PATCH due=14',
      'POST 0123456789',
    ]);
    expect(exchanges.map((e) => e.request.body)).toEqual([
      { bookId: 7, memberId: 'ada' },
      { returned: true },
      'due=14',
      '(10 bytes)',
    ]);

    // An empty object is empty options (as request.post(url, {}) reads): no body.
    await loans.post('/renewals', {}).expect(200);
    expect(received.at(-1)).toMatchObject({ method: 'POST', url: '/renewals', body: '' });
  });
});

test('form sends urlencoded fields; multipart sends fields and files, and the exchange summarises the files', async ({
  playwright,
}) => {
  await withLoans(playwright.request, async ({ loans, received, exchanges }) => {
    await loans.post('/members', { form: { name: 'Ada Lovelace', age: 36, active: true } }).expect(200);
    expect(received[0]!.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(received[0]!.body).toBe('name=Ada+Lovelace&age=36&active=true');
    expect(exchanges[0]!.request).toMatchObject({
      body: { name: 'Ada Lovelace', age: 36, active: true },
      encoding: 'form',
    });

    const cover = Buffer.from('a cover image, or near enough');
    await loans
      .put('/books/7/cover', {
        multipart: { caption: 'Dune', file: { name: 'cover.txt', mimeType: 'text/plain', buffer: cover } },
      })
      .expect(200);
    expect(received[1]!.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(received[1]!.body).toContain('content-disposition: form-data; name="caption"\r\n\r\nDune');
    expect(received[1]!.body).toContain('name="file"; filename="cover.txt"');
    expect(received[1]!.body).toContain('a cover image, or near enough');
    expect(exchanges[1]!.request).toEqual({
      headers: { 'x-correlation-id': CORRELATION_ID, traceparent: expect.stringMatching(/^00-/) },
      body: { caption: 'Dune', file: { name: 'cover.txt', mimeType: 'text/plain', size: cover.length } },
      encoding: 'multipart',
    });

    const form = new FormData();
    form.append('tag', 'sci-fi');
    form.append('tag', 'classic');
    form.append('scan', new Blob(['page one'], { type: 'text/plain' }), 'page-1.txt');
    await loans.post('/books/7/scans', { multipart: form }).expect(200);
    expect(received[2]!.body).toContain('filename="page-1.txt"');
    expect(exchanges[2]!.request.body).toEqual({
      tag: ['sci-fi', 'classic'],
      scan: { name: 'page-1.txt', mimeType: 'text/plain', size: 8 },
    });
  });
});

test("params (an object, URLSearchParams or a string) are appended to the path's query, and headers go beside the correlation header", async ({
  playwright,
}) => {
  await withLoans(playwright.request, async ({ loans, received, exchanges }) => {
    await loans.get('/loans?open=1', { params: { member: 'ada', page: 2, late: true } }).expect(200);
    await loans
      .get('/loans', {
        params: new URLSearchParams([
          ['page', '1'],
          ['page', '2'],
        ]),
      })
      .expect(200);
    await loans.delete('/loans', { params: 'member=ada&reason=lost%20book' }).expect(200);
    expect(received.map((r) => `${r.method} ${r.url}`)).toEqual([
      'GET /loans?open=1&member=ada&page=2&late=true',
      'GET /loans?page=1&page=2',
      'DELETE /loans?member=ada&reason=lost%20book',
    ]);
    expect(exchanges.map((e) => new URL(e.url).search)).toEqual([
      '?open=1&member=ada&page=2&late=true',
      '?page=1&page=2',
      '?member=ada&reason=lost%20book',
    ]);

    await loans.post('/loans', { data: { bookId: 7 }, headers: { 'x-tenant': 'library-north' } }).expect(200);
    expect(received[3]!.headers).toMatchObject({ 'x-tenant': 'library-north', 'x-correlation-id': CORRELATION_ID });
    expect(exchanges[3]!.request.headers).toEqual({
      'x-correlation-id': CORRELATION_ID,
      'x-tenant': 'library-north',
      traceparent: expect.stringMatching(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/),
    });
  });
});

test('failOnStatusCode, maxRedirects and timeout reach Playwright; fetch takes any method', async ({ playwright }) => {
  await withLoans(playwright.request, async ({ loans, received, exchanges }) => {
    expect((await loans.get('/status/404')).status()).toBe(404);
    await expect(loans.get('/status/404', { failOnStatusCode: true })).rejects.toThrow(/404 Not Found/);
    expect(exchanges[1]).toMatchObject({ url: expect.stringMatching(/\/status\/404$/), error: /404 Not Found/ });
    expect(exchanges[1]!.status).toBeUndefined();

    expect((await loans.get('/redirect', { maxRedirects: 0 })).status()).toBe(302);
    expect((await loans.get('/redirect')).url()).toMatch(/\/landed$/);

    await expect(loans.get('/slow', { timeout: 200 })).rejects.toThrow(/Timeout 200ms exceeded/);

    await loans.fetch('/loans', { method: 'options' }).expect(200);
    await loans.fetch('/loans').expect(200);
    expect(received.slice(-2).map((r) => r.method)).toEqual(['OPTIONS', 'GET']);
    expect(exchanges.slice(-2).map((e) => e.method)).toEqual(['OPTIONS', 'GET']);
  });
});

test('the deprecated positional body is still sent as the body, with one deprecation warning per process', async ({
  playwright,
}) => {
  await withLoans(playwright.request, async ({ loans, received, exchanges }) => {
    resetDeprecations();
    const warnings = await warningsDuring(async () => {
      await loans.post('/loans', { bookId: 7, memberId: 'ada' }).expect(200);
      await loans.put('/loans/1', 'returned', { headers: { 'content-type': 'text/plain' } }).expect(200);
      await loans.patch('/loans/1', [{ op: 'replace', path: '/due', value: 14 }]).expect(200);
      await loans.post('/covers', Buffer.from('raw bytes')).expect(200);
    });
    expect(received.map((r) => `${r.method} ${r.body}`)).toEqual([
      'POST {"bookId":7,"memberId":"ada"}',
      'PUT returned',
      'PATCH [{"op":"replace","path":"/due","value":14}]',
      'POST raw bytes',
    ]);
    expect(received[1]!.headers['content-type']).toBe('text/plain');
    expect(exchanges[0]!.request.body).toEqual({ bookId: 7, memberId: 'ada' });

    expect(warnings).toHaveLength(1);
    const [warning] = warnings as [Error & { code?: string }];
    expect(warning.name).toBe('DeprecationWarning');
    expect(warning.code).toBe('CJ_DEP_POSITIONAL_BODY');
    expect(warning.message).toContain("loans.post('/loans', body) passes a positional body");
    expect(warning.message).toContain("loans.post('/loans', { data: body })");
    expect(warning.message).toContain('removed in 0.3.0');

    // Once per process: later positional calls stay quiet.
    expect(await warningsDuring(async () => void (await loans.post('/loans', { bookId: 8 })))).toEqual([]);
  });
});

test('an object that mixes request options with body fields throws where the call is made, naming both', async ({
  playwright,
}) => {
  await withLoans(playwright.request, async ({ loans, received, exchanges }) => {
    // As JavaScript (or `as any`) can write it: TypeScript rejects both (see the type check below).
    const untyped = loans as unknown as { post(path: string, ...args: unknown[]): unknown };
    const put = loans as unknown as { put(path: string, ...args: unknown[]): unknown };
    expect(() => untyped.post('/loans', { data: 1, sku: 'a' })).toThrow(
      "[USAGE] loans.post('/loans', { data, sku }): this object mixes request options (data) with body fields (sku), so it is neither the options nor the body. " +
        "If it is all the body, pass it as data: loans.post('/loans', { data: { data, sku } }). " +
        'If data is meant as request options, sku belongs inside the body (data), not beside it. ' +
        'Request options are data, form, multipart, headers, params, timeout, failOnStatusCode, maxRedirects; any other key is a body field.',
    );
    const error = (() => {
      try {
        put.put('/loans/1', { headers: { 'x-tenant': 'n' }, name: 'x', maxRetries: 2 });
      } catch (thrown) {
        return thrown as Error;
      }
    })();
    expect(error?.name).toBe('JourneysError');
    expect(error?.message).toContain(
      "loans.put('/loans/1', { headers, name, maxRetries }): this object mixes request options (headers) with body fields (name, maxRetries)",
    );
    expect(error?.message).toContain(
      "If headers is meant as request options, the body goes beside them as data: loans.put('/loans/1', { data: { name, maxRetries }, headers }).",
    );
    expect(error?.message).toContain('(maxRetries: Playwright request options these calls do not take');
    // With a third argument the second is the body: request option keys in it, or a body in both, are unclear too.
    expect(() => untyped.post('/loans', { data: 1 }, { headers: {} })).toThrow(
      /loans\.post\('\/loans', body, options\): the body has request option keys \(data\) and options come third/,
    );
    expect(() => untyped.post('/loans', { sku: 'a' }, { data: 1 })).toThrow(
      /a body comes second and another \(data\) in the options/,
    );
    expect(received).toEqual([]);
    expect(exchanges).toEqual([]);
  });
});

test('types: request options resolve to the new overload, a plain body to the deprecated one, a mix to neither', () => {
  test.setTimeout(60_000);
  const dir = path.join(REPO, 'reports/service-client-types');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  // Against the built package, as a journey imports it. A `@ts-expect-error` that is not needed fails
  // tsc, so each rejected call must really be rejected.
  writeFileSync(
    path.join(dir, 'calls.ts'),
    `import type { ApiCall, FetchOptions, RequestOptions, ServiceClient } from 'compose-journeys';

declare const loans: ServiceClient;
interface Loan { bookId: number; memberId: string }
declare const loan: Loan;
declare const anything: unknown;

// Playwright's request options: the new overload.
export const calls: ApiCall[] = [
  loans.post('/loans', { data: { bookId: 7, memberId: 'ada' } }),
  loans.post('/loans', { form: { bookId: 7 }, headers: { 'x-tenant': 'north' } }),
  loans.put('/covers/7', { multipart: { file: { name: 'c.txt', mimeType: 'text/plain', buffer: Buffer.from('c') } } }),
  loans.patch('/loans/1', { data: 'due=14', timeout: 1_000, failOnStatusCode: true, maxRedirects: 0 }),
  loans.get('/loans', { params: { member: 'ada', page: 2, late: true } }),
  loans.get('/loans', { params: new URLSearchParams('page=1') }),
  loans.delete('/loans', { params: 'member=ada' }),
  loans.head('/loans'),
  loans.fetch('/loans', { method: 'OPTIONS', headers: { a: 'b' } }),
];
export const options: RequestOptions = { data: { bookId: 7 }, params: { page: 1 } };
export const fetchOptions: FetchOptions = { method: 'GET' };
// @ts-expect-error a body is not request options: { sku } only fits the deprecated overload
export const notOptions: RequestOptions = { sku: 'a' };

// A positional body: the deprecated overload, still compiling.
export const deprecated: ApiCall[] = [
  loans.post('/loans', { bookId: 7, memberId: 'ada' }),
  loans.post('/loans', loan),
  loans.post('/loans', anything),
  loans.put('/loans/1', 'returned'),
  loans.patch('/loans/1', [{ op: 'replace' }]),
  loans.post('/covers', Buffer.from('c'), { headers: { 'content-type': 'image/png' } }),
  loans.post('/loans', undefined, { headers: { a: 'b' } }),
];

// Neither: request option keys mixed with body fields.
// @ts-expect-error data is a request option, sku a body field
loans.post('/loans', { data: 1, sku: 'a' });
// @ts-expect-error headers is a request option, name a body field
loans.post('/loans', { headers: { a: 'b' }, name: 'x' });
// @ts-expect-error form is a request option, title a body field
loans.put('/books/7', { form: { a: 'b' }, title: 'Dune' });
// @ts-expect-error timeout is a request option, note a body field
loans.patch('/loans/1', { timeout: 5, note: 'late' });
// @ts-expect-error a positional body with a request option key
loans.post('/loans', { data: { bookId: 7 } }, { headers: { a: 'b' } });
// @ts-expect-error a body both positional and in the options
loans.post('/loans', { bookId: 7 }, { data: { bookId: 8 } });
`,
  );
  writeFileSync(
    path.join(dir, 'tsconfig.json'),
    JSON.stringify({ extends: '../../tsconfig.json', include: ['*.ts'], exclude: [] }),
  );
  const tsc = spawnSync(path.join(REPO, 'node_modules/.bin/tsc'), ['--noEmit', '-p', dir], { encoding: 'utf8' });
  expect(tsc.status, `${tsc.stdout}${tsc.stderr}`).toBe(0);

  // The positional overloads are the deprecated ones (an editor strikes them through), in the shipped declarations.
  const declarations = readFileSync(path.join(REPO, 'dist/src/http/service-client.d.ts'), 'utf8');
  for (const method of ['post', 'put', 'patch'])
    expect(declarations).toMatch(
      new RegExp(
        String.raw`/\*\* @deprecated Pass \{ data: body \}: removed in 0\.3\.0\. \*/\s+${method}<B>\(path: string, body: B & PositionalBody<B>`,
      ),
    );
});

test("every call carries the journey's trace in traceparent, a span of its own, unless the journey sends one", async ({
  playwright,
}) => {
  await withLoans(playwright.request, async ({ loans, api, received, exchanges }) => {
    await loans.get('/loans').expect(200);
    await loans.post('/loans', { data: { bookId: 7 } }).expect(200);
    const [first, second] = received.map((request) => String(request.headers.traceparent));
    expect(first).toMatch(new RegExp(`^00-${api.traceId}-[0-9a-f]{16}-01$`));
    expect(second).toMatch(new RegExp(`^00-${api.traceId}-[0-9a-f]{16}-01$`));
    expect(second!.split('-')[2]).not.toBe(first!.split('-')[2]);
    // The report shows what was sent.
    expect(exchanges[0]!.request.headers?.traceparent).toBe(first);
    expect(received[0]!.headers['x-correlation-id']).toBe(CORRELATION_ID);

    const own = `00-${'ab'.repeat(16)}-${'cd'.repeat(8)}-01`;
    await loans.get('/loans', { headers: { TraceParent: own } }).expect(200);
    expect(received[2]!.headers.traceparent).toBe(own);
  });
});
