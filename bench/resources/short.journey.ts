import { test } from 'compose-journeys';

// A short journey (one call): the sampling's cost per journey shows best where the journey costs little.
for (let n = 1; n <= 25; n++)
  test(`journey ${n}`, async ({ api }) => {
    await api.service('hungry').get('/health').expect(200);
  });
