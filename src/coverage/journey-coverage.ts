import { pathTemplate } from '../http/path-template.ts';
import { travelledChannel } from '../messages/message-observation.ts';
import type { RecordedObservation } from '../report/observations.ts';
import type { TouchedItem } from './coverage-item.ts';

/**
 * What one journey exercised, from what its fixtures observed: the endpoints its calls reached (with
 * the statuses they answered), the topics and exchanges its taps saw (with the routing keys), the
 * WireMock stubs that served the stack's provider calls, and the tables its queries and rules read.
 */
export function journeyCoverage(
  observations: readonly Pick<RecordedObservation, 'kind' | 'detail' | 'channel'>[],
  /** The stack's services by role (its state's `roles`): a message counts for its kind's broker. */
  roles: Readonly<Record<string, readonly string[]>>,
  tables: ReadonlyMap<string, ReadonlySet<string>>,
): TouchedItem[] {
  const touched = new Map<string, TouchedItem>();
  const touch = (kind: TouchedItem['kind'], service: string, name: string, seen?: string) => {
    const key = `${kind} ${service} ${name}`;
    const item = touched.get(key) ?? { kind, service, name, seen: [] };
    if (seen !== undefined && !item.seen.includes(seen)) item.seen.push(seen);
    touched.set(key, item);
  };
  for (const observation of observations) {
    const detail = (observation.detail ?? {}) as Record<string, unknown>;
    const travelled = travelledChannel(observation);
    const broker = travelled && roles[travelled.broker.role]?.[0];
    if (travelled && broker) {
      touch(travelled.channel, broker, travelled.name, travelled.key);
    } else if (observation.kind === 'http' && typeof detail.service === 'string' && typeof detail.url === 'string') {
      const status = typeof detail.status === 'number' ? String(detail.status) : 'no answer';
      touch('endpoint', detail.service, `${String(detail.method ?? 'GET')} ${pathTemplate(detail.url)}`, status);
    } else if (observation.kind === 'wiremock' && typeof detail.service === 'string') {
      const stub = detail.stub as { pattern?: unknown } | undefined;
      if (typeof stub?.pattern === 'string') touch('stub', detail.service, stub.pattern, 'matched');
    }
  }
  for (const [database, names] of tables) for (const name of names) touch('table', database, name);
  return [...touched.values()].map((item) => ({ ...item, seen: item.seen.sort() }));
}
