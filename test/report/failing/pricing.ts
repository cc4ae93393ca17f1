import type { APIRequestContext, TestInfo } from '@playwright/test';
import { recordEvidence } from 'compose-journeys';

// A canary from the environment (set by failure-review.spec.ts), never a literal: Playwright's
// error context quotes source code, and a secret in source is not ours to redact.
const HEADER_CANARY = process.env.REPORT_HEADER_CANARY ?? 'unset';

/** GET /quote/:sku on the api, recorded as the `api` fixture records its exchanges. */
export async function quote(
  request: APIRequestContext,
  baseUrl: string,
  sku: string,
  correlationId: string,
  testInfo: TestInfo,
) {
  const headers = { authorization: `Bearer ${HEADER_CANARY}`, 'x-correlation-id': correlationId };
  const at = new Date();
  const response = await request.get(`${baseUrl}/quote/${sku}`, { headers });
  const body: unknown = await response.json();
  recordEvidence(testInfo, {
    kind: 'http',
    at,
    correlationId,
    summary: `GET /quote/${sku} → ${response.status()}`,
    detail: { service: 'api', request: { headers }, response: { status: response.status(), body } },
  });
  return body as { sku: string; priceCents: number };
}

/** A stub added at runtime through WireMock's admin API: the provider misbehaves for one SKU. */
export async function stubPrice(
  request: APIRequestContext,
  wiremockUrl: string,
  sku: string,
  priceCents: number,
  testInfo: TestInfo,
) {
  const mapping = {
    priority: 1,
    request: { method: 'GET', urlPath: `/prices/${sku}` },
    response: { status: 200, jsonBody: { priceCents } },
  };
  const response = await request.post(`${wiremockUrl}/__admin/mappings`, { data: mapping });
  recordEvidence(testInfo, {
    kind: 'wiremock',
    summary: `stub /prices/${sku} → priceCents ${priceCents} (${response.status()})`,
    detail: mapping,
  });
}
