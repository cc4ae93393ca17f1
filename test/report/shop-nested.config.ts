import path from 'node:path';
import { defineConfig } from '@playwright/test';
import type { JourneyOptions, JourneyWorkerOptions } from 'compose-journeys';
import { shopRoles } from '../../journeys/shop/roles.ts';

/**
 * A run inside a run, on the OUTER run's shop stack: test/report/journey-picture.spec.ts (on-shop)
 * starts it with its own JOURNEYS_* variables (the project and stack options its workers were handed),
 * so these journeys are one more worker of that run, with no stack of their own to start. They are
 * shop journeys that fail on purpose (shop-failing/); their report, trace and picture are what a
 * reviewer opens. SHOP_REPORT_OUT says where the reports go.
 */
const out = path.resolve(process.env.SHOP_REPORT_OUT ?? 'reports/shop-nested');

export default defineConfig<JourneyOptions, JourneyWorkerOptions>({
  testDir: path.join(import.meta.dirname, 'shop-failing'),
  testMatch: /.*\.journey\.ts/,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  outputDir: path.join(out, 'results'),
  reporter: [
    ['json', { outputFile: path.join(out, 'report.json') }],
    ['html', { outputFolder: path.join(out, 'html'), open: 'never' }],
  ],
  // As the example's config (playwright.config.ts): its customer, and the trace of a failed attempt.
  use: { roles: shopRoles, role: 'customer', trace: 'retain-on-failure' },
  projects: [{ name: 'journeys' }],
});
