import { test } from 'compose-journeys';
import { z } from 'zod';

// TEST: the journey's own code reads a field that is not there (a TypeError), whatever the api answers.
test('a quote read by a careless journey', async ({ api }) => {
  const quote = await api
    .service('api')
    .get('/quote/sku-typo')
    .expect(200, z.object({ priceCents: z.number() }));
  const price = (quote as unknown as { price: { cents: number } }).price.cents;
  test.info().annotations.push({ type: 'price', description: String(price) });
});
