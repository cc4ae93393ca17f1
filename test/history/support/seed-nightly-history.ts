import type { HistoryStore, JourneyResult, RunRecord } from 'compose-journeys/history';

/**
 * Two weeks of nightly runs of the shop's journeys, made up but shaped like the real thing: a
 * journey slowly getting slower, a flaky race, a product bug that keeps failing since night 12, one
 * infra hiccup, and a night whose stack never came up. Deterministic: the trends page test checks
 * exact numbers and the screenshot in docs/ comes from it.
 */
export const NIGHTS = 14;
const FILE = 'journeys/shop';
const JOURNEYS = {
  happy: `${FILE}/happy-path.spec.ts › an order is placed, paid and shipped`,
  stock: `${FILE}/out-of-stock.spec.ts › an order for an item out of stock is rejected`,
  declined: `${FILE}/payment-declined.spec.ts › a declined payment cancels the order`,
  race: `${FILE}/last-item-race.spec.ts › two customers race for the last item`,
  duplicate: `${FILE}/duplicate-delivery.spec.ts › a redelivered event is processed once`,
};
export const SEEDED_JOURNEYS = JOURNEYS;
const RACE_FLAKY_NIGHTS = new Set([3, 6, 8, 11, 13]);
const STACK_DOWN_NIGHT = 9;

export async function seedNightlyHistory(store: HistoryStore): Promise<void> {
  for (let night = 1; night <= NIGHTS; night++) {
    const start = new Date(Date.UTC(2026, 10, night, 2, 0, 0));
    const stackDown = night === STACK_DOWN_NIGHT;
    const journey = (id: string, fields: Partial<JourneyResult>): JourneyResult => ({
      journeyId: id,
      project: 'journeys',
      file: id.split(' › ')[0]!,
      title: id.split(' › ').slice(1).join(' › '),
      status: stackDown ? 'notRun' : 'passed',
      flaky: false,
      retries: 0,
      durationMs: 0,
      failureServices: [],
      quarantined: false,
      drift: [],
      ...(stackDown ? {} : fields),
    });
    const journeys = [
      // inventory grows night after night (a leak the peak-memory trend shows); orders stays flat.
      journey(JOURNEYS.happy, {
        durationMs: 800 + night * 30 + (night % 3) * 15,
        resources: [
          { service: 'inventory', peakMemoryBytes: (80 + night * 5) * 1e6, cpuMs: 300 },
          { service: 'orders', peakMemoryBytes: 60e6, cpuMs: 200 },
        ],
      }),
      journey(JOURNEYS.stock, { durationMs: 420 + (night % 4) * 10 }),
      night >= 12
        ? journey(JOURNEYS.declined, {
            status: 'failed',
            retries: 2,
            durationMs: 1_900,
            failureCategory: 'PRODUCT',
            failureReason: 'expect(order.status).toBe("CANCELLED") · Received: "PAID"',
            failureServices: ['payments', 'orders'],
            correlationId: `cid-${night}`,
          })
        : journey(JOURNEYS.declined, { durationMs: 650 + (night % 5) * 12 }),
      RACE_FLAKY_NIGHTS.has(night)
        ? journey(JOURNEYS.race, {
            flaky: true,
            retries: 1,
            durationMs: 1_300 + night * 5,
            failureCategory: night % 2 ? 'INFRA' : 'TEST',
            failureReason: 'kafka consumer rebalanced mid-test',
            failureServices: night % 2 ? ['kafka'] : [],
          })
        : journey(JOURNEYS.race, { durationMs: 1_150 + (night % 3) * 40 }),
      night === 5
        ? journey(JOURNEYS.duplicate, {
            status: 'failed',
            retries: 2,
            durationMs: 30_000,
            failureCategory: 'INFRA',
            failureReason: 'rabbitmq: die (exit 137)',
            failureServices: ['rabbitmq'],
          })
        : journey(JOURNEYS.duplicate, {
            durationMs: 950 + (night % 2) * 30,
            ...(night === NIGHTS
              ? { drift: ['amqp shop.events/orders.paid: added refundable; retyped amount number → string'] }
              : {}),
          }),
    ];
    const failed = journeys.some((j) => j.status === 'failed');
    const run: RunRecord = {
      runId: `nightly-${String(night).padStart(2, '0')}`,
      startedAt: start.toISOString(),
      endedAt: new Date(start.getTime() + 6 * 60_000).toISOString(),
      status: failed || stackDown ? 'failed' : 'passed',
      passedByQuarantine: false,
      gitSha: `${night.toString(16).padStart(2, '0')}c0ffee${'0'.repeat(32)}`,
      configHash: night < 7 ? 'a1b2c3' : 'd4e5f6',
      images: { orders: `sha256:${night < 7 ? 'aaa' : 'bbb'}`, payments: 'sha256:ccc' },
      ...(stackDown ? { infraFailure: 'HEALTHCHECK_TIMEOUT: service kafka did not become healthy within 180 s' } : {}),
      journeys,
      shapes: [],
    };
    await store.recordRun(run);
  }
}
