import { test } from 'compose-journeys';
import { z } from 'zod';

// INFRA on the first attempt: the service turns unhealthy under the journey (its own switch). A retry gets past it.
test('a service that was sick answers on retry', async ({ api }, testInfo) => {
  const flaky = api.service('flaky');
  if (testInfo.retry === 0) {
    await flaky.post('/sicken?ms=3000').expect(200);
    await new Promise((resolve) => setTimeout(resolve, 1_500)); // Docker's probe (every 500 ms) sees it unhealthy
  } else {
    await test.step('wait until it is well again', () =>
      flaky
        .get('/health')
        .expect(200)
        .catch(() => new Promise((resolve) => setTimeout(resolve, 3_000))));
  }
  await flaky.get('/ok').expect(200, z.object({ ok: z.literal(true) }));
});
