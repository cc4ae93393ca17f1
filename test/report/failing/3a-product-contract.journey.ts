import { test } from 'compose-journeys';
import { z } from 'zod';
import { stubPrice } from './pricing.ts';

// PRODUCT: the api answers a value its contract excludes; `.expect(200, schema)` is the journey's contract.
test('a quote answers within its contract', async ({ api, stack, request }, testInfo) => {
  await stubPrice(request, stack.endpoints.url('wiremock'), 'sku-contract', -7, testInfo);
  await api
    .service('api')
    .get('/quote/sku-contract')
    .expect(200, z.object({ sku: z.string(), priceCents: z.number().positive() }));
});
