import { test } from 'compose-journeys';
import { z } from 'zod';
import { quote } from './pricing.ts';

// TEST: the journey's own schema is wrong (the api answers priceCents, a number).
test('a quote with a bad schema', async ({ stack, request }, testInfo) => {
  const body = await quote(request, stack.endpoints.url('api'), 'sku-schema', 'corr-schema', testInfo);
  z.object({ sku: z.string(), price: z.string() }).parse(body);
});
