import { expect, test } from 'compose-journeys';
import { z } from 'zod';

const booking = z.object({ id: z.string(), status: z.literal('BOOKED') });

test('a booking is booked', async ({ api }) => {
  const created = await api
    .service('bookings')
    .post('/bookings', { data: { room: 12 } })
    .expect(201, booking);
  // A night whose journey fails although nothing changed (SUSPECT_FLAKE=1): what a flake looks like.
  expect(process.env.SUSPECT_FLAKE === '1' ? 'lost' : created.status, 'the booking, as the test saw it').toBe('BOOKED');
  await api.service('audit').get('/health').expect(200);
});
