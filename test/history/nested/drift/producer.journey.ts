import { expect, test } from '@playwright/test';
import { shapeOf } from 'compose-journeys/history';
import { aroundJourney } from './drift-fixture.ts';

/** PRODUCER=v2: the producer adds items[].discount and sends total as a string. */
const EVENTS = {
  v1: { orderId: 'o-1', total: 12.5, items: [{ sku: 'A-1', qty: 1 }], customer: { id: 'c-1', tier: null } },
  v2: {
    orderId: 'o-1',
    total: '12.50',
    items: [{ sku: 'A-1', qty: 1, discount: 0.1 }],
    customer: { id: 'c-1', tier: null },
  },
  v3: { orderId: 'o-1', items: [] },
};

test('order placed', async ({}, testInfo) => {
  const event = EVENTS[(process.env.PRODUCER ?? 'v1') as keyof typeof EVENTS];
  await aroundJourney(testInfo, () => ({
    'kafka orders.placed': shapeOf(event),
    'http POST /orders 201': shapeOf({ id: 'o-1', status: 'PLACED' }),
  }));
  expect(process.env.PRODUCER_FAILS, 'the journey fails on purpose').toBeUndefined();
});
