import { test } from 'compose-journeys';
import { z } from 'zod';

test('2 a journey after the crash', async ({ api }) => {
  await api
    .service('crashy')
    .get('/ok')
    .expect(200, z.object({ ok: z.literal(true) }));
});
