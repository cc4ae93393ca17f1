import type { ApiExchange } from '../http/service-client.ts';

// `id`, `orderId`, `order_id`, `orderID` (and `ids`, `orderIds`… for lists): what APIs name the keys they hand back.
const KEY_NAME = /^ids?$|Ids?$|_ids?$|IDs?$/;

/**
 * The key values the journey's own API calls returned: in every successful (2xx) JSON response body,
 * the string or integer values of properties named `id` or ending in `Id`/`_id`/`ID`, at any depth
 * (arrays included; `ids`, `orderIds`, `order_ids` for lists of them), then the last path segment of a
 * `Location` header.
 * As strings, deduplicated, in first-seen order. These find a journey's rows in tables without a
 * correlation_id column: the rows the journey created are the rows its calls named.
 */
export function journeyKeys(exchanges: readonly ApiExchange[]): string[] {
  const keys = new Set<string>();
  for (const exchange of exchanges) {
    if (exchange.status === undefined || exchange.status < 200 || exchange.status > 299 || !exchange.response) continue;
    collect(exchange.response.body, keys);
    const location = headerOf(exchange.response.headers, 'location');
    const segment = location === undefined ? undefined : lastSegment(location);
    if (segment) keys.add(segment);
  }
  return [...keys];
}

function collect(value: unknown, keys: Set<string>): void {
  if (Array.isArray(value)) {
    for (const item of value) collect(item, keys);
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  for (const [name, field] of Object.entries(value)) {
    if (KEY_NAME.test(name)) {
      for (const candidate of Array.isArray(field) ? field : [field]) {
        const key = keyOf(candidate);
        if (key !== undefined) keys.add(key);
      }
    }
    collect(field, keys); // `{ order: { id } }`, `{ items: [{ sku, id }] }`
  }
}

function keyOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim() === '' ? undefined : value;
  if (typeof value === 'number' && Number.isInteger(value)) return String(value);
  return undefined; // booleans, fractions, null, objects: not a key a row could hold
}

const headerOf = (headers: Record<string, string>, name: string) =>
  Object.entries(headers).find(([header]) => header.toLowerCase() === name)?.[1];

/** `/orders/42?x=1` and `http://host/orders/42/` give `42`. */
function lastSegment(location: string): string | undefined {
  let path: string;
  try {
    path = new URL(location, 'http://relative.invalid').pathname;
  } catch {
    return undefined;
  }
  const segment = path.split('/').filter(Boolean).at(-1);
  if (segment === undefined) return undefined;
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
