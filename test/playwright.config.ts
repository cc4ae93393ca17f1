import { defineConfig } from '@playwright/test';
import { stackProjects } from '../src/playwright/stack-projects.ts';

/**
 * The runner's own tests, all against real Docker Compose:
 * - engine: small stacks under test/stacks, each test starts its own;
 * - fixtures, messages, report: the shop stack (compose/shop), started once by the "stack" project.
 */
const shop = stackProjects({ files: ['compose/shop/compose.yml'], waitTimeoutSeconds: 180 });

export default defineConfig({
  testDir: '.',
  timeout: 120_000,
  workers: 2,
  reporter: process.env.CI ? [['list'], ['html', { outputFolder: '../reports/test-html', open: 'never' }]] : 'list',
  outputDir: '../reports/test-results',
  projects: [
    { name: 'engine', testDir: './stack', testMatch: /.*\.spec\.ts/ },
    ...shop.projects,
    { name: 'on-shop', testDir: '.', testMatch: /(shop|fixtures|messages|report)\/.*\.spec\.ts/, dependencies: [shop.setup] },
  ],
});
