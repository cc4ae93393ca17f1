import { defineConfig } from '@playwright/test';
import { stackProjects } from 'compose-journeys/config';

// The stack from package.json's "journeys.stack" comes up in the "stack" project and goes down in
// "stack teardown"; journeys depend on it, so `npx playwright test journeys/` does everything.
// Fault journeys (journeys/**/faults/) stop, kill, pause or cut off services of that shared stack:
// they run one at a time (workers: 1), after the parallel journeys are done (docs/faults.md).
const stack = stackProjects();

export default defineConfig({
  timeout: 60_000,
  expect: { timeout: 10_000 },
  workers: 2,
  fullyParallel: true,
  retries: process.env.CI ? 1 : 0,
  reporter: [['list'], ['html', { outputFolder: 'reports/html', open: 'never' }], ...stack.reporters],
  outputDir: 'reports/test-results',
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
