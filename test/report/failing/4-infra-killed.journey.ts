import { execFileSync } from 'node:child_process';
import { expect, test } from 'compose-journeys';
import { serviceContainer } from '../../support/docker-resources.ts';
import { quote } from './pricing.ts';

// INFRA: the api is killed mid-journey (as an OOM killer or a crash would, not through the faults
// fixture); the next call fails, and the report must blame the stack.
test('the api dies mid-journey', async ({ stack, request }, testInfo) => {
  const api = stack.endpoints.url('api');
  await quote(request, api, 'sku-first', 'corr-infra', testInfo);
  const container = serviceContainer(stack.projectName, 'api');
  execFileSync('docker', ['kill', container]);
  const body = await quote(request, api, 'sku-second', 'corr-infra', testInfo);
  expect(body.priceCents).toBe(1299);
});
