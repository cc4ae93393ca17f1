import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'compose-journeys';
import { quote } from './pricing.ts';

// TEST: the journey waits for something nothing will ever do.
test('waits forever for a price change', async ({ stack, request }, testInfo) => {
  test.setTimeout(4_000);
  await quote(request, stack.endpoints.url('api'), 'sku-wait', 'corr-timeout', testInfo);
  for (;;) await sleep(200);
});
