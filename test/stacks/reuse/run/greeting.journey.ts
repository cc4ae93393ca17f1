import { execFileSync } from 'node:child_process';
import { expect, test } from 'compose-journeys';

// The state the workers read is the running stack's, whoever wrote it (the setup test or the config check).
test('the app greets as configured, on the port the engine published', async ({ stack }) => {
  expect(stack.environment('app').GREETING).toBe(process.env.REUSE_GREETING ?? 'hello');
  const published = execFileSync('docker', ['compose', '-p', stack.projectName, 'port', 'app', '8080'], {
    encoding: 'utf8',
  }).trim();
  expect(stack.endpoints.all.map((endpoint) => `${endpoint.host}:${endpoint.port}`)).toEqual([published]);
});
