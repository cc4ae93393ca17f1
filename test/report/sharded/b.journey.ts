import { expect, test } from 'compose-journeys';

// The shard test only needs each shard to say which Compose project served it.
test('shard b answers', async ({ stack, request }) => {
  test.info().annotations.push({ type: 'compose-project', description: stack.projectName });
  expect((await request.get(stack.endpoints.url('api'))).ok()).toBe(true);
});
