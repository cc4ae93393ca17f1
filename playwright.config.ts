import { defineConfig } from '@playwright/test';
import type { JourneyOptions, JourneyWorkerOptions } from 'compose-journeys';
import { stackProjects } from 'compose-journeys/config';
import { shopRoles } from './journeys/shop/roles.ts';

// The stack from package.json's "journeys.stack" comes up in the "stack" project and goes down in
// "stack teardown"; journeys depend on it, so `npx playwright test journeys/` does everything.
// Fault journeys (journeys/**/faults/) stop, kill, pause or cut off services of that shared stack:
// they run one at a time (workers: 1), after the parallel journeys are done (docs/faults.md).
const stack = stackProjects();

export default defineConfig<JourneyOptions, JourneyWorkerOptions>({
  timeout: 60_000,
  expect: { timeout: 10_000 },
  workers: 2,
  fullyParallel: true,
  retries: process.env.CI ? 1 : 0,
  reporter: [['list'], ['html', { outputFolder: 'reports/html', open: 'never' }], ...stack.reporters],
  outputDir: 'reports/test-results',
  // Every call goes as this journey's own customer unless it says otherwise: api.service('orders').as('staff').
  // A failed attempt (the first, or a retry) keeps its trace: `npx playwright show-trace` shows the
  // journey's steps, its API calls and its evidence (the journey picture, logs) as attachments.
  use: { roles: shopRoles, role: 'customer', trace: 'retain-on-failure' },
  // The journeys come first: UI mode and the VS Code extension show the first project until another is ticked.
  projects: [
    { name: 'journeys', testDir: './journeys', testIgnore: '**/faults/**', dependencies: [stack.setup] },
    {
      name: 'fault journeys',
      testDir: './journeys',
      testMatch: '**/faults/**/*.spec.ts',
      workers: 1,
      dependencies: ['journeys'],
    },
    ...stack.projects,
  ],
});
