// Runs where the engine is reached only through a context or a tcp:// DOCKER_HOST: the stack's
// endpoints, a fault and its heal (stop, start, the healthcheck run in the container) all go there.
import { expect, test } from 'compose-journeys';

test('a fault and its heal, on the engine the docker CLI talks to', async ({ faults, stack }) => {
  expect(stack.endpoints.get('app').url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  await faults.kill('app');
  expect(faults.active.map((fault) => fault.action)).toEqual(["faults.kill('app', { signal: 'SIGKILL' })"]);
  await faults.heal('app');
  expect(faults.active).toEqual([]);
});
