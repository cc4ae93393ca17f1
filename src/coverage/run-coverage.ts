import { type CoverageItem, itemKey, type RunCoverage, type StackCatalog, type TouchedItem } from './coverage-item.ts';

/**
 * A run's coverage: the stack's catalog (every shard's, set up and torn down: their union) against
 * what each journey touched. An item no catalog lists but a journey touched is kept as `known: false`
 * (an endpoint without an OpenAPI document, a topic made after the catalog was read).
 */
export function runCoverage(
  catalogs: readonly StackCatalog[],
  journeys: readonly { journeyId: string; touched: readonly TouchedItem[] }[],
): RunCoverage {
  const items = new Map<string, RunCoverage['items'][number]>();
  const add = (item: CoverageItem, known: boolean) => {
    const key = itemKey(item);
    const found = items.get(key);
    if (found) found.known ||= known;
    else items.set(key, { kind: item.kind, service: item.service, name: item.name, known, journeys: [], seen: [] });
    return items.get(key)!;
  };
  for (const catalog of catalogs) for (const item of catalog.items) add(item, true);
  for (const { journeyId, touched } of journeys)
    for (const item of touched) {
      const entry = add(resolveTemplate(item, items), false);
      if (!entry.journeys.includes(journeyId)) entry.journeys.push(journeyId);
      for (const seen of item.seen) if (!entry.seen.includes(seen)) entry.seen.push(seen);
    }
  return {
    items: [...items.values()]
      .map((item) => ({ ...item, journeys: item.journeys.sort(), seen: item.seen.sort() }))
      .sort(
        (a, b) => a.kind.localeCompare(b.kind) || a.service.localeCompare(b.service) || a.name.localeCompare(b.name),
      ),
    sources: [...new Set(catalogs.flatMap((catalog) => catalog.sources))].sort(),
    problems: [...new Set(catalogs.flatMap((catalog) => catalog.problems))],
  };
}

/**
 * A call to `/products/sku-123` is the catalog's `GET /products/:sku`: an endpoint a journey reached
 * is matched against the OpenAPI templates of its service, whose parameters may hold anything but `/`.
 */
function resolveTemplate(item: TouchedItem, known: ReadonlyMap<string, RunCoverage['items'][number]>): CoverageItem {
  if (item.kind !== 'endpoint' || known.has(itemKey(item))) return item;
  const [method, route = ''] = item.name.split(' ');
  for (const candidate of known.values()) {
    if (candidate.kind !== 'endpoint' || candidate.service !== item.service || !candidate.known) continue;
    const [candidateMethod, template = ''] = candidate.name.split(' ');
    if (candidateMethod !== method) continue;
    const pattern = new RegExp(
      `^${template
        .split('/')
        .map((part) => (part.startsWith(':') ? '[^/]+' : escapeRegExp(part)))
        .join('/')}$`,
    );
    if (pattern.test(route)) return candidate;
  }
  return item;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** What the newest run covers that the one before did not, and what it no longer covers. */
export function coverageChange(
  before: RunCoverage | undefined,
  after: RunCoverage,
): { gained: string[]; lost: string[] } {
  const covered = (coverage: RunCoverage | undefined) =>
    new Set((coverage?.items ?? []).filter((item) => item.journeys.length > 0).map(itemKey));
  const was = covered(before);
  const is = covered(after);
  if (!before) return { gained: [], lost: [] };
  return { gained: [...is].filter((key) => !was.has(key)).sort(), lost: [...was].filter((key) => !is.has(key)).sort() };
}
