import path from 'node:path';
import { defineConfig } from '@playwright/test';

/**
 * A run inside a run: test/history/*.spec.ts start it as a child process (runNested), as CI would,
 * with the history reporter recording into the database in HISTORY_DB. HISTORY_JOURNEYS picks the
 * folder of journeys (plain tests steered by env vars: no stack needed to make history), HISTORY_OUT
 * where the reports go. The "stack" project stands in for stackProjects()' setup, so a failed setup
 * (HISTORY_STACK=fail) is what the reporter sees from a stack that did not come up.
 */
const out = path.resolve(process.env.HISTORY_OUT ?? 'reports/history-nested');
const journeys = process.env.HISTORY_JOURNEYS ?? 'three-runs';

export default defineConfig({
  testDir: path.join(import.meta.dirname, journeys),
  testMatch: /.*\.journey\.ts/,
  fullyParallel: true,
  workers: Number(process.env.HISTORY_WORKERS ?? 1),
  retries: Number(process.env.HISTORY_RETRIES ?? 1),
  timeout: 30_000,
  outputDir: path.join(out, 'results'),
  reporter: [
    ['list'],
    ['json', { outputFile: path.join(out, 'report.json') }],
    [
      path.join(import.meta.dirname, '../../../dist/src/history/reporter.js'),
      {
        summaryFile: path.join(out, 'history-summary.json'),
      },
    ],
  ],
  projects: [
    { name: 'stack', testDir: import.meta.dirname, testMatch: 'stack.setup.ts', retries: 0 },
    { name: 'journeys', dependencies: ['stack'] },
  ],
});
