// What a failed journey's timeline shows of each WireMock: the requests the journey sent (what
// answered each, with faults and delays) and every request nothing matched during the test.
import { stubName } from '../coverage/stub-name.ts';
import type { Observation } from '../report/observations.ts';
import { carriesJourney, type JourneyMarks } from '../trace/journey-marks.ts';
import { TRACEPARENT_HEADER, traceIdOf } from '../trace/trace-context.ts';
import { errorText } from '../util/error-text.ts';
import type { WireMockAdmin } from './admin.ts';
import { headerOf, jsonBodyOf, short } from './request-match.ts';
import { describeResponse, TAG_KEY } from './stub-mapping.ts';
import type { ServeEvent } from './types.ts';

export interface WireMockEvidenceScope {
  since: Date;
  /** How the journey's requests are recognised (its trace id, its correlation header). */
  marks: JourneyMarks;
}

/** Headers worth showing (the rest is transport noise). */
const SHOWN_HEADERS =
  /^(content-type|idempotency-key|x-correlation-id|correlation-id|x-request-id|traceparent|authorization|x-api-key)$/i;

function answeredBy(event: ServeEvent, correlationId: string): string {
  if (!event.wasMatched) return 'UNMATCHED';
  const stub = event.stubMapping;
  if (!stub) return 'stub';
  const tag = stub.metadata?.[TAG_KEY] as { correlationId?: string } | undefined;
  const label = stub.name ? `"${stub.name}"` : `${stub.id?.slice(0, 8) ?? '?'}`;
  if (tag?.correlationId === correlationId) return `this journey's stub ${label}`;
  if (tag) return `another journey's stub ${label}`;
  return `stub ${label}`;
}

/** One journal entry as a timeline observation. */
export function serveEventObservation(service: string, event: ServeEvent, scope: WireMockEvidenceScope): Observation {
  const { request } = event;
  const { marks } = scope;
  const correlation = headerOf(request, marks.correlationHeader);
  const ours = carriesJourney((name) => headerOf(request, name), marks);
  const trace = traceIdOf(headerOf(request, TRACEPARENT_HEADER));
  const definition = event.responseDefinition;
  const answer = event.wasMatched ? describeResponse(definition) : `${event.response?.status ?? 404}`;
  const headers = Object.fromEntries(
    Object.entries(request.headers ?? {}).filter(([name]) => SHOWN_HEADERS.test(name)),
  );
  const body = jsonBodyOf(request);
  const report = event.subEvents?.find((sub) => sub.type === 'REQUEST_NOT_MATCHED')?.data?.report;
  return {
    kind: 'wiremock',
    at: request.loggedDate,
    // Filed under the journey when it carries either mark, whichever its service passed on.
    correlationId: ours ? marks.correlationId : correlation,
    summary: `${service} received ${request.method} ${request.url} → ${answer} (${answeredBy(event, marks.correlationId)})${ours ? '' : correlation || trace ? ' [another journey]' : ' [no correlation id, no traceparent]'}`,
    detail: {
      service,
      request: {
        method: request.method,
        url: request.url,
        headers,
        body: body ? body.json : request.body ? short(request.body) : undefined,
      },
      answer: {
        status: event.response?.status ?? definition?.status,
        ...(definition?.fault && { fault: definition.fault }),
        ...(event.timing?.addedDelay ? { delayMs: event.timing.addedDelay } : {}),
      },
      ...(event.stubMapping && {
        stub: {
          id: event.stubMapping.id,
          // How the coverage names the stub: the same as the catalog's (its method and URL pattern).
          pattern: stubName(event.stubMapping),
          name: event.stubMapping.name,
          priority: event.stubMapping.priority,
          scenario: event.stubMapping.scenarioName,
          requiredState: event.stubMapping.requiredScenarioState,
        },
      }),
      // WireMock's own "closest stub" diff for a request nothing matched.
      ...(report && { nearMiss: report.trim() }),
    },
  };
}

/**
 * The WireMock part of a failed journey's timeline: its own requests, and the unmatched ones of the
 * test's window (whoever sent them: a request that lost its correlation header looks like that).
 */
export async function wiremockEvidence(admin: WireMockAdmin, scope: WireMockEvidenceScope): Promise<Observation[]> {
  let events: ServeEvent[];
  try {
    events = await admin.serveEvents(scope.since);
  } catch (error) {
    return [
      { kind: 'wiremock', summary: `${admin.service}: its request journal could not be read (${errorText(error)})` },
    ];
  }
  return events
    .filter((event) => !event.wasMatched || carriesJourney((name) => headerOf(event.request, name), scope.marks))
    .sort((a, b) => a.request.loggedDate - b.request.loggedDate)
    .map((event) => serveEventObservation(admin.service, event, scope));
}
