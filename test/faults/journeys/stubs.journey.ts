// Two journeys at once, in two workers, on one WireMock: each stubs the same request its own way and
// sees only its own answer while the other's stub exists; a request of neither gets the default.
// They meet through files (FAULTS_RENDEZVOUS) so both stubs provably coexist. Meanwhile a fault, or a
// stub for every journey, is refused: the other worker is mid-journey on the same stack.
import { expect, test } from 'compose-journeys';
import { rendezvous } from '../../support/rendezvous.ts';

test.describe.configure({ mode: 'parallel' });

for (const [me, other] of [
  ['left', 'right'],
  ['right', 'left'],
] as const) {
  test(`${me}: its stub answers it alone while ${other}'s stub answers ${other}`, async ({
    wiremock,
    correlationId,
    faults,
    api,
  }) => {
    const { mark, reached } = rendezvous<{ correlationId: string }>(process.env.FAULTS_RENDEZVOUS, me);
    const greeting = { method: 'GET', urlPath: '/greeting' };
    await wiremock().stub({ request: greeting, response: { status: 200, body: `hello ${me}` } });
    // The same provider call stubbed by both journeys, made by a service that passes on only the trace
    // context (traceparent), as an OpenTelemetry-instrumented one does: each journey gets its own answer.
    const price = { method: 'GET', urlPath: '/prices/traced' };
    await wiremock().stub({ request: price, response: { status: 200, jsonBody: { by: me } } });
    mark('stubbed', { correlationId });
    const theirs = await reached(other, 'stubbed');
    expect(theirs.pid, 'the two journeys run in two workers').not.toBe(process.pid);

    const greet = async (headers: Record<string, string> = {}) =>
      (await fetch(`${wiremock().admin.baseUrl}/greeting`, { headers })).text();
    expect(await greet({ 'x-correlation-id': correlationId })).toBe(`hello ${me}`);
    expect(await greet()).toBe('hello from the defaults');
    await expect(wiremock()).toHaveReceived(greeting, { times: 1 });
    const quote = await api.service('app').get('/traced-quote/traced').expect(200);
    expect(await quote.json()).toEqual({ by: me });
    await expect(wiremock()).toHaveReceived(price, { times: 1 });
    const [sent] = await wiremock().requests(price);
    expect(sent!.headers['x-correlation-id'], 'the service passed on only traceparent').toBeUndefined();

    if (me === 'left') {
      const fault = await faults.pause('app').catch((error: Error) => error.message);
      expect(fault).toContain(`faults.pause('app') would change stack`);
      expect(fault).toContain(
        `under journeys other workers are running right now: "right: its stub answers it alone while left's stub answers left" (pid ${theirs.pid})`,
      );
      const everyone = await wiremock()
        .stub({ request: greeting, response: { status: 500 } }, { scope: 'all' })
        .catch((error: Error) => error.message);
      expect(everyone).toContain('a stub for every journey on wiremock "wiremock"');
      expect(everyone).toContain('would change stack');
    }
    mark('checked', { correlationId });
    await reached(other, 'checked');
  });
}
