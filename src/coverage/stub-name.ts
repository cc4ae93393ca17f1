/** `POST /v1/charges`: how a WireMock stub is named, in the catalog and when a request it served is seen. */
export function stubName(mapping: { request?: unknown }): string {
  const request = (mapping.request ?? {}) as Record<string, unknown>;
  const method = typeof request.method === 'string' ? request.method : 'ANY';
  const where = ['url', 'urlPath', 'urlPattern', 'urlPathPattern', 'urlPathTemplate']
    .map((key) => request[key])
    .find((value): value is string => typeof value === 'string');
  return `${method} ${where ?? '(any url)'}`;
}
