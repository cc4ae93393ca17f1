import { defineConfig } from '@playwright/test';

/**
 * The run history's tests (issue 15): nested `playwright test` runs that record into SQLite and
 * PostgreSQL (a real Postgres container, started and removed by postgres.spec.ts), quarantine,
 * drift, bad databases, and the trends page in Debian's Chromium.
 * `npm run test:history`
 */
export default defineConfig({
  testDir: '.',
  testMatch: /.*\.spec\.ts/,
  timeout: 180_000,
  workers: 2,
  reporter: process.env.CI ? [['list'], ['html', { outputFolder: '../../reports/history-test-html', open: 'never' }]] : 'list',
  outputDir: '../../reports/history-test-results',
  projects: [{ name: 'history' }],
});
