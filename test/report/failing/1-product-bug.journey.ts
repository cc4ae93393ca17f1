import { expect, test } from 'compose-journeys';
import { quote, stubPrice } from './pricing.ts';

// PRODUCT: the provider returns a negative price and the api passes it on unchecked.
test('a quote is never negative', async ({ stack, request }, testInfo) => {
  await stubPrice(request, stack.endpoints.url('wiremock'), 'sku-bug', -5, testInfo);
  const body = await quote(request, stack.endpoints.url('api'), 'sku-bug', 'corr-product', testInfo);
  expect(body.priceCents, 'price in cents').toBeGreaterThan(0);
});
