import { defineConfig } from '@playwright/test';
import { stackProjects } from 'compose-journeys/config';

// The stack from package.json's "journeys.stack" comes up in the "stack" project and goes down in
// "stack teardown"; journeys depend on it, so `npx playwright test journeys/` does everything.
const stack = stackProjects();

export default defineConfig({
  timeout: 60_000,
  expect: { timeout: 10_000 },
  workers: 2,
  fullyParallel: true,
  retries: process.env.CI ? 1 : 0,
  reporter: [['list'], ['html', { outputFolder: 'reports/html', open: 'never' }], ...stack.reporters],
  outputDir: 'reports/test-results',
  projects: [...stack.projects, { name: 'journeys', testDir: './journeys', dependencies: [stack.setup] }],
});
