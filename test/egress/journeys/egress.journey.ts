import { execFileSync } from 'node:child_process';
import { type Api, expect, test } from 'compose-journeys';
import { z } from 'zod';
import { serviceContainer } from '../../support/docker-resources.ts';

const outcome = z.object({ reached: z.boolean(), status: z.number().optional(), error: z.string().optional() });
const call = (api: Api, url: string) => api.service('caller').get('/call', { params: { url } }).expect(200, outcome);

test('a call to a service of the stack passes', async ({ api }) => {
  expect(await call(api, 'http://inside:8080/')).toEqual({ reached: true, status: 200 });
});

// Fails on purpose: the provider URL was left at its production value.
test('a call to a host outside the stack is refused, and fails the journey naming the service and the host', async ({
  api,
}) => {
  expect(await call(api, 'http://api.payments-provider.example/v1/charges')).toEqual({
    reached: false,
    error: 'ENOTFOUND',
  });
});

test('the journey after it is not blamed for it', async ({ api }) => {
  expect(await call(api, 'http://inside:8080/')).toMatchObject({ reached: true });
});

test('caller is on its own network and the guard’s', ({ stack }) => {
  const id = serviceContainer(stack.projectName, 'caller');
  const networks = JSON.parse(
    execFileSync('docker', ['inspect', '--format', '{{json .NetworkSettings.Networks}}', id], { encoding: 'utf8' }),
  );
  expect(Object.keys(networks).sort()).toEqual([
    `${stack.projectName}_default`,
    `${stack.projectName}_journeys-egress`,
  ]);
});
