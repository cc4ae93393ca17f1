import { test } from 'compose-journeys';

// Passes: the service takes the request, then dies 300 ms later (its latent crash), under the next journeys.
test('1 the request that crashes crashy later', async ({ api }) => {
  await api.service('crashy').post('/crash').expect(202);
  await new Promise((resolve) => setTimeout(resolve, 1_000));
});
