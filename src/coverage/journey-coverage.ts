import { pathTemplate } from '../http/path-template.ts';
import type { RecordedObservation } from '../report/observations.ts';
import type { TouchedItem } from './coverage-item.ts';

/**
 * What one journey exercised, from what its fixtures observed: the endpoints its calls reached (with
 * the statuses they answered), the topics and exchanges its taps saw (with the routing keys), the
 * WireMock stubs that served the stack's provider calls, and the tables its queries and rules read.
 */
export function journeyCoverage(
  observations: readonly Pick<RecordedObservation, 'kind' | 'detail' | 'channel'>[],
  brokers: { kafka?: string; amqp?: string },
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
    if (observation.kind === 'http' && typeof detail.service === 'string' && typeof detail.url === 'string') {
      const status = typeof detail.status === 'number' ? String(detail.status) : 'no answer';
      touch('endpoint', detail.service, `${String(detail.method ?? 'GET')} ${pathTemplate(detail.url)}`, status);
    } else if (observation.kind === 'kafka' && observation.channel && brokers.kafka) {
      touch('topic', brokers.kafka, observation.channel.replace(/^kafka /, ''));
    } else if (observation.kind === 'amqp' && observation.channel && brokers.amqp) {
      const address = observation.channel.replace(/^amqp /, '');
      const slash = address.indexOf('/');
      touch(
        'exchange',
        brokers.amqp,
        slash < 0 ? address : address.slice(0, slash),
        slash < 0 ? undefined : address.slice(slash + 1),
      );
    } else if (observation.kind === 'wiremock' && typeof detail.service === 'string') {
      const stub = detail.stub as { pattern?: unknown } | undefined;
      if (typeof stub?.pattern === 'string') touch('stub', detail.service, stub.pattern, 'matched');
    }
  }
  for (const [database, names] of tables) for (const name of names) touch('table', database, name);
  return [...touched.values()].map((item) => ({ ...item, seen: item.seen.sort() }));
}
