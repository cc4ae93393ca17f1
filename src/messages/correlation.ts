// Which journey a message belongs to: the journey's W3C trace id in its `traceparent` header (what
// OpenTelemetry instrumentations propagate), or the correlation id it carries, in a header or its payload.
import { traceIdIn } from '../trace/trace-context.ts';
import type { RecordedMessage } from './recorded-message.ts';

/** Where a stack's messages carry the correlation id. Header names are matched case-insensitively. */
export interface CorrelationLocation {
  /** Headers (Kafka headers, AMQP headers and properties such as `correlationId`), first found wins. */
  readonly headers?: readonly string[];
  /** A field of the JSON payload, dotted for nested ones (`meta.correlationId`). */
  readonly field?: string;
}

export const DEFAULT_CORRELATION: Required<CorrelationLocation> = {
  headers: ['correlation-id', 'correlationId', 'x-correlation-id'],
  field: 'correlationId',
};

export function correlationIdIn(
  headers: Readonly<Record<string, string>>,
  value: unknown,
  location: CorrelationLocation = DEFAULT_CORRELATION,
): string | undefined {
  const lower = new Map(Object.entries(headers).map(([name, text]) => [name.toLowerCase(), text]));
  for (const name of location.headers ?? []) {
    const found = lower.get(name.toLowerCase());
    if (found) return found;
  }
  if (!location.field) return undefined;
  let current: unknown = value;
  for (const part of location.field.split('.')) {
    if (!current || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return typeof current === 'string' ? current : undefined;
}

/** A tap narrowed to one journey: only messages carrying its trace id or its correlation id. */
export interface JourneyScope {
  readonly correlationId: string;
  readonly location: CorrelationLocation;
  /** The journey's W3C trace id: a message whose `traceparent` carries it is the journey's. */
  readonly traceId?: string;
}

export function inScope(message: RecordedMessage, scope: JourneyScope): boolean {
  if (scope.traceId !== undefined && traceIdIn(message.headers) === scope.traceId) return true;
  return correlationIdIn(message.headers, message.value, scope.location) === scope.correlationId;
}

export function describeLocation(location: CorrelationLocation): string {
  const parts = [
    ...(location.headers ?? []).map((name) => `header ${name}`),
    ...(location.field ? [`payload field ${location.field}`] : []),
  ];
  return parts.join(', ') || 'nowhere';
}
