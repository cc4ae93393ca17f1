import { defineConfig } from '@playwright/test';

/** The runner's own tests: real Docker Compose stacks under test/stacks, images built locally. */
export default defineConfig({
  testDir: '.',
  testMatch: /.*\.spec\.ts/,
  timeout: 120_000,
  workers: 2,
  reporter: process.env.CI ? [['list'], ['html', { outputFolder: '../reports/test-html', open: 'never' }]] : 'list',
  outputDir: '../reports/test-results',
});
