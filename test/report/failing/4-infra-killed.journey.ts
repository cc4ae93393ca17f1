import { test, expect } from '../../../fixtures/evidence.ts';
import { compose } from '../../../src/stack/compose-target.ts';
import { quote } from './pricing.ts';

// INFRA: the api is killed mid-journey; the next call fails, and the report must blame the stack.
test('the api dies mid-journey', async ({ stack, request }, testInfo) => {
  const api = stack.endpoints.url('api');
  await quote(request, api, 'sku-first', 'corr-infra', testInfo);
  await compose({ projectName: stack.projectName, files: stack.state.files, profiles: [], envFiles: [] }, ['kill', 'api']);
  const body = await quote(request, api, 'sku-second', 'corr-infra', testInfo);
  expect(body.priceCents).toBe(1299);
});
