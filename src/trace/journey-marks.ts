// How a request a service sends carries "this is the journey's": the journey's trace id in `traceparent`
// (what OpenTelemetry's instrumentations propagate), or its correlation id in a header the services forward.
// Either one is enough; a stack says which it uses with the `propagation` option (default: both).
import { TRACEPARENT_HEADER, traceIdOf } from './trace-context.ts';

/** Which marks a stack's services pass on: the W3C trace context, a correlation header, or both (the default). */
export type Propagation = 'both' | 'traceparent' | 'correlation';

/** The annotations a journey's ids are written to (fixtures/correlation.ts) and read back from (evidence, history). */
export const JOURNEY_ID_ANNOTATIONS = { correlationId: 'correlation-id', traceId: 'trace-id' } as const;

export interface JourneyMarks {
  readonly correlationId: string;
  /** The header the services forward the correlation id in (`x-correlation-id` by default). */
  readonly correlationHeader: string;
  readonly traceId?: string;
  readonly propagation: Propagation;
}

/** One header condition that makes a request the journey's, as WireMock matches it and as we test it. */
export interface JourneyMark {
  readonly header: string;
  /** For WireMock's request patterns. */
  readonly matcher: { equalTo: string } | { matches: string };
  /** The same test, on a header value we hold. */
  carries(value: string | undefined): boolean;
  /** `x-correlation-id cj1-…` / `traceparent (trace 4bf9…)`, for messages. */
  readonly description: string;
}

/** The marks a request of the journey carries, any one of which is enough. */
export function journeyMarks(marks: JourneyMarks): JourneyMark[] {
  const found: JourneyMark[] = [];
  if (marks.traceId && marks.propagation !== 'correlation') {
    const traceId = marks.traceId;
    found.push({
      header: TRACEPARENT_HEADER,
      // Any span and flags of the journey's trace (version 00, as the instrumentations write it).
      matcher: { matches: `^[0-9a-f]{2}-${traceId}-[0-9a-f]{16}-[0-9a-f]{2}$` },
      carries: (value) => traceIdOf(value) === traceId,
      description: `${TRACEPARENT_HEADER} of trace ${traceId}`,
    });
  }
  if (marks.propagation !== 'traceparent') {
    found.push({
      header: marks.correlationHeader,
      matcher: { equalTo: marks.correlationId },
      carries: (value) => value === marks.correlationId,
      description: `${marks.correlationHeader}: ${marks.correlationId}`,
    });
  }
  return found;
}

/** Whether headers (read through `headerOf`, case-insensitively) carry one of the journey's marks. */
export function carriesJourney(headerOf: (name: string) => string | undefined, marks: JourneyMarks): boolean {
  return journeyMarks(marks).some((mark) => mark.carries(headerOf(mark.header)));
}

export function describeMarks(marks: JourneyMarks): string {
  return journeyMarks(marks)
    .map((mark) => mark.description)
    .join(' or ');
}
