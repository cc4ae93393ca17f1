import { test } from 'compose-journeys';
import { z } from 'zod';

// PRODUCT: the service answers a status its contract excludes. No retry changes that.
test('a booking is BOOKED', async ({ api }) => {
  // A journey's steps before the answer that fails it: what each retry would cost again.
  await test.step('a customer browses for a second', () => new Promise((resolve) => setTimeout(resolve, 1_000)));
  await api
    .service('flaky')
    .get('/booking')
    .expect(200, z.object({ id: z.number(), status: z.literal('BOOKED') }));
});
