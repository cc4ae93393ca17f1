// The journey as a picture: what it says (lanes, effects in order, the failure where it happened),
// how it is drawn (one SVG, by ECharts, with the same effects as text), and the summary on top.
import type { TestInfo } from '@playwright/test';
import { expect, test } from '@playwright/test';
import { failureMoment } from '../../src/report/failure-moment.ts';
import { failureSummary, servicesWhoseLogsMatter } from '../../src/report/failure-summary.ts';
import { firstFailedEffect, journeyPictureOf, pictureList } from '../../src/report/journey-picture.ts';
import { renderJourneyPictureSvg } from '../../src/report/journey-picture-svg.ts';
import type { RecordedObservation } from '../../src/report/observations.ts';

const since = new Date('2026-01-01T00:00:00Z');
const t = (ms: number) => new Date(since.getTime() + ms);
let sequence = 0;
const seen = (observation: Omit<RecordedObservation, 'sequence'>): RecordedObservation => ({
  ...observation,
  sequence: sequence++,
});

const observations = [
  // Recorded out of time order, as fixtures do (the api fixture records its calls at its teardown).
  seen({ kind: 'kafka', at: t(80), summary: 'orders.placed[0]@7 key=o-1 (kafkaTap)', channel: 'kafka orders.placed' }),
  seen({
    kind: 'http',
    at: t(50),
    summary: 'POST http://127.0.0.1:49153/orders as customer → 201',
    detail: { service: 'orders', status: 201 },
  }),
  seen({
    kind: 'wiremock',
    at: t(10),
    summary: 'stub on wiremock: POST /v1/charges → 201',
    detail: { service: 'wiremock' },
  }),
  seen({
    kind: 'amqp',
    at: t(120),
    summary: 'shop.events/inventory.reserved key=r-1 (rabbitTap)',
    channel: 'amqp shop.events/inventory.reserved',
  }),
  seen({
    kind: 'wiremock',
    at: t(150),
    summary: 'wiremock received POST /v1/emails → 404 (UNMATCHED)',
    detail: { service: 'wiremock', request: { method: 'POST', url: '/v1/emails' } },
  }),
  seen({ kind: 'db', at: t(160), summary: 'payments row status=CAPTURED', detail: { database: 'payments' } }),
  seen({ kind: 'fault', at: t(170), summary: "faults.kill('inventory'): intended" }),
  seen({
    kind: 'http',
    at: t(300),
    summary: 'GET http://127.0.0.1:49153/orders/o-1 as customer → 200',
    detail: { service: 'orders', status: 200 },
  }),
];
const events = [
  {
    at: t(171),
    service: 'inventory',
    container: 'p-inventory-1',
    action: 'kill',
    intended: "faults.kill('inventory')",
  },
  { at: t(200), service: 'payments', container: 'p-payments-1', action: 'die', exitCode: '137' },
];
const picture = journeyPictureOf({
  title: 'a paid order ships at once',
  since,
  observations,
  events,
  failure: {
    at: t(310),
    message: 'Expected: "SHIPPED" · Received: "PAID"',
    step: 'shipped',
    location: 'ship.spec.ts:9',
  },
});

test('the picture: a lane per participant, left to right by kind, and every effect in time order', () => {
  expect(picture.lanes.map((lane) => `${lane.name}:${lane.kind}`)).toEqual([
    'journey:journey',
    'orders:service',
    'inventory:service',
    'payments:service',
    'wiremock:stub',
    'kafka orders.placed:topic',
    'amqp shop.events:exchange',
    'db payments:database',
    'faults:faults',
  ]);
  expect(pictureList(picture).split('\n').slice(2)).toEqual([
    '1. +10 ms stub journey → wiremock: stub on wiremock: POST /v1/charges → 201',
    '2. +50 ms call journey → orders: POST /orders as customer → 201',
    '3. +80 ms message kafka orders.placed: orders.placed[0]@7 key=o-1',
    '4. +120 ms message amqp shop.events: shop.events/inventory.reserved key=r-1',
    '5. +150 ms request wiremock: received POST /v1/emails → 404 (UNMATCHED)',
    '6. +160 ms row db payments: payments row status=CAPTURED',
    "7. +170 ms fault faults: faults.kill('inventory'): intended",
    "8. +171 ms container inventory: inventory kill (intended: faults.kill('inventory'))",
    '9. +200 ms container payments: payments die (exit 137)',
    '10. +300 ms call journey → orders: GET /orders/o-1 as customer → 200',
    '11. +310 ms failure journey: ✗ Expected: "SHIPPED" · Received: "PAID" (in "shipped" at ship.spec.ts:9)',
  ]);
  const tones = Object.fromEntries(picture.effects.map((effect) => [effect.n, effect.tone]));
  expect(tones).toMatchObject({ 2: 'ok', 5: 'bad', 7: 'intended', 8: 'intended', 9: 'bad', 11: 'bad' });
  // The first thing that went wrong: the stub miss, before the crash and the failed expectation.
  expect(firstFailedEffect(picture)?.n).toBe(5);
});

test('a call with a server error or no answer is bad, a 4xx a warning', () => {
  const calls = journeyPictureOf({
    title: 't',
    since,
    events: [],
    observations: [
      seen({ kind: 'http', at: t(1), summary: 'GET /a → 503', detail: { service: 'a', status: 503 } }),
      seen({ kind: 'http', at: t(2), summary: 'GET /b → 404', detail: { service: 'b', status: 404 } }),
      seen({ kind: 'http', at: t(3), summary: 'GET /c → ECONNREFUSED', detail: { service: 'c' } }),
      // A journey's own recording: no service named, the channel or the summary says it.
      seen({ kind: 'http', at: t(4), summary: 'GET /quote/x → 200', detail: { response: { status: 200 } } }),
    ],
  });
  expect(calls.effects.map((effect) => `${effect.to}:${effect.tone}`)).toEqual(['a:bad', 'b:warn', 'c:bad', 'http:ok']);
});

test('the SVG: drawn by ECharts without a browser, every lane and label in it, the effects as its description', async () => {
  const svg = await renderJourneyPictureSvg(picture);
  expect(svg).toMatch(/^<svg\b[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  expect(svg).toContain('<title>Journey picture: a paid order ships at once</title>');
  expect(svg).toContain('11. +310 ms failure journey: ✗ Expected: &quot;SHIPPED&quot;');
  for (const lane of picture.lanes) expect(svg).toContain(`>${lane.name}</text>`);
  expect(svg).toContain('POST /orders as customer → 201</text>');
  expect(svg).toContain('payments die (exit 137)</text>');
  expect(svg).toContain('failed here</text>');
  // Nothing to load: no script, no external reference.
  expect(svg).not.toMatch(/<script|href="http|url\(http/);
});

test("where it failed: Playwright's failed step and its test.step, else the end of the journey", () => {
  const info = (steps: unknown, status = 'failed') =>
    ({
      errors: [
        {
          message: 'Error: price\n\nexpect(received).toBe(expected)\n\nExpected: 1\nReceived: 2',
          stack: 'Error: price\n    at /repo/journeys/quote.spec.ts:7:20',
        },
      ],
      file: '/repo/journeys/quote.spec.ts',
      status,
      timeout: 4_000,
      _steps: steps,
    }) as unknown as TestInfo;
  const steps = [
    {
      title: 'the quote',
      category: 'test.step',
      endWallTime: t(900).getTime(),
      error: { message: 'price' },
      steps: [{ title: 'expect.toBe', category: 'expect', endWallTime: t(800).getTime(), error: { message: 'x' } }],
    },
  ];
  expect(failureMoment(info(steps), since, t(5_000))).toEqual({
    at: t(800),
    message: 'price · Expected: 1 · Received: 2',
    step: 'the quote',
    location: 'quote.spec.ts:7',
  });
  // Another Playwright, no steps to read: when the body was over; a timeout at its limit.
  expect(failureMoment(info(undefined), since, t(5_000))?.at).toEqual(t(5_000));
  expect(failureMoment(info(undefined, 'timedOut'), since, t(5_000))?.at).toEqual(t(4_000));
});

test('the summary: category and reason, incident or suspect, the logs to read, the first failed effect', () => {
  const failure = picture.effects.at(-1)!;
  expect(
    failureSummary({
      category: 'PRODUCT',
      reason: 'Expected: "SHIPPED" · Received: "PAID"\nmore',
      suspect: 'orders: image changed (sha256:ab…)',
      logs: [{ service: 'orders', attachments: ['journey-logs.log', 'logs-orders.log'] }],
      firstFailed: failure,
      before: picture.effects.at(-2),
      where: 'in "shipped" at ship.spec.ts:9',
      picture: 'journey-picture.svg',
    }),
  ).toBe(
    'PRODUCT: Expected: "SHIPPED" · Received: "PAID" · suspect: orders: image changed (sha256:ab…) · logs: orders (journey-logs.log, logs-orders.log) · first failed effect: #11 the journey\'s failed expectation in "shipped" at ship.spec.ts:9, after #10 journey → orders: GET /orders/o-1 as customer → 200 · picture: journey-picture.svg',
  );
  expect(
    failureSummary({
      category: 'INFRA',
      reason: 'payments: die',
      incident: 'payments died',
      logs: [],
      firstFailed: picture.effects[8],
    }),
  ).toBe('INFRA: payments: die · incident: payments died · first failed effect: #9 payments: payments die (exit 137)');
  // Whose logs: the failing services; else the first failed effect's; else the last service called before it.
  const logged = new Set(['orders', 'payments']);
  expect(servicesWhoseLogsMatter(['inventory'], picture.effects, failure, logged)).toEqual(['inventory']);
  expect(servicesWhoseLogsMatter([], picture.effects, picture.effects[8], logged)).toEqual(['payments']);
  expect(servicesWhoseLogsMatter([], picture.effects, failure, logged)).toEqual(['orders']);
});
