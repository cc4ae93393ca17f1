// Requests of a journey that no stub matched: WireMock answered them 404, so a service called an
// endpoint the stubs do not know (a new call of the service, or a stub missing). Reported on every
// journey, passed or not; `wiremockStrict` fails the journey.
import { carriesJourney, type JourneyMarks } from '../trace/journey-marks.ts';
import type { WireMockAdmin } from './admin.ts';
import { headerOf } from './request-match.ts';

export const UNMATCHED_ANNOTATION = 'wiremock-unmatched';

export interface UnmatchedRequest {
  service: string;
  at: number;
  method: string;
  url: string;
}

/** The journey's requests (by its marks) that reached a WireMock since `since` and matched no stub. */
export async function unmatchedRequestsOf(
  admins: readonly WireMockAdmin[],
  since: number,
  marks: JourneyMarks,
): Promise<UnmatchedRequest[]> {
  const found = await Promise.all(
    admins.map(async (admin) =>
      (await admin.unmatchedRequests().catch(() => []))
        .filter((request) => request.loggedDate >= since)
        .filter((request) => carriesJourney((name) => headerOf(request, name), marks))
        .map((request) => ({
          service: admin.service,
          at: request.loggedDate,
          method: request.method,
          url: request.url,
        })),
    ),
  );
  return found.flat().sort((a, b) => a.at - b.at);
}

export function describeUnmatched(request: UnmatchedRequest): string {
  return `${request.service}: ${request.method} ${request.url} matched no stub (answered 404)`;
}

export function strictFailure(requests: readonly UnmatchedRequest[]): string {
  return `[TEST] wiremockStrict: ${requests.length === 1 ? 'a request' : `${requests.length} requests`} of this journey matched no stub: ${requests.map(describeUnmatched).join('; ')}. Add a stub for it (the stack's mappings, or wiremock().stub()), or find why the service calls it.`;
}
