import { defineConfig } from '@playwright/test';
import type { JourneyOptions, JourneyWorkerOptions } from 'compose-journeys';
import { stackProjects } from 'compose-journeys/config';
import { shopRoles } from '../journeys/shop/roles.ts';

/**
 * The runner's own tests:
 * - unit: pure logic, no Docker (runs first in `npm test`, and alone with `--project unit`);
 * - engine: small stacks under test/stacks, each test starts its own;
 * - package: the packed package in another team's repo, outside this tree;
 * - history: the run history, from nested runs (SQLite, a Postgres stack, quarantine, drift, the trends page);
 * - on-shop: fixtures, messages, report and the shop's guarantees, on the shop stack (compose/shop),
 *   started once by the "stack" project; faults/ runs nested on a small stack of its own. (Matched
 *   from /test/ on: Playwright matches the absolute path, and a checkout may sit in a folder named so.)
 */
const shop = stackProjects({ files: ['compose/shop/compose.yml'], waitTimeoutSeconds: 180 });

export default defineConfig<JourneyOptions, JourneyWorkerOptions>({
  testDir: '.',
  timeout: 120_000,
  workers: 2,
  reporter: process.env.CI ? [['list'], ['html', { outputFolder: '../reports/test-html', open: 'never' }]] : 'list',
  outputDir: '../reports/test-results',
  projects: [
    { name: 'unit', testDir: './unit', testMatch: /.*\.spec\.ts/ },
    { name: 'engine', testDir: './stack', testMatch: /.*\.spec\.ts/ },
    { name: 'package', testDir: './package', testMatch: /.*\.spec\.ts/ },
    { name: 'history', testDir: './history', testMatch: /.*\.spec\.ts/, timeout: 180_000 },
    ...shop.projects,
    {
      name: 'on-shop',
      testDir: '.',
      testMatch: /\/test\/(shop|fixtures|messages|report|faults|otel|resources|egress)\/[^/]+\.spec\.ts$/,
      dependencies: [shop.setup],
      // The shop's orders service wants a JWT: the tests call it as their journey's own customer.
      use: { roles: shopRoles, role: 'customer' },
    },
  ],
});
