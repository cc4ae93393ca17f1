import { expect, test } from 'compose-journeys';
import { quote } from './pricing.ts';

test('a quote for a known SKU', async ({ stack, request }, testInfo) => {
  const body = await quote(request, stack.endpoints.url('api'), 'sku-ok', 'corr-passes', testInfo);
  expect(body.priceCents).toBe(1299);
});
