import path from 'node:path';
import { defineConfig } from '@playwright/test';
import type { StackTestOptions } from 'compose-journeys';
import { stackProjects } from 'compose-journeys/config';

/**
 * A run inside a run: test/report/*.spec.ts start it as a child process on journeys that fail on
 * purpose, on their OWN stack (REPORT_STACK, never the shared shop), then read what it reported.
 * REPORT_JOURNEYS picks the folder (failing/, sharded/), REPORT_OUT where the reports go.
 */
const out = path.resolve(process.env.REPORT_OUT ?? 'reports/nested');
const stack = stackProjects({
  files: [process.env.REPORT_STACK ?? 'test/stacks/report/compose.yml'],
  waitTimeoutSeconds: 180,
});

export default defineConfig<StackTestOptions>({
  testDir: path.join(import.meta.dirname, process.env.REPORT_JOURNEYS ?? 'failing'),
  testMatch: /.*\.journey\.ts/,
  // One worker, files in name order: the journey that kills a service runs last.
  workers: 1,
  retries: 0,
  timeout: 30_000,
  outputDir: path.join(out, 'results'),
  reporter: process.env.REPORT_BLOB
    ? [['blob', { outputDir: path.join(out, 'blob') }]]
    : [
        ['json', { outputFile: path.join(out, 'report.json') }],
        ['html', { outputFolder: path.join(out, 'html'), open: 'never' }],
        // REPORT_HISTORY: the run history too (the database in JOURNEYS_HISTORY_URL, the summary beside html/).
        ...(process.env.REPORT_HISTORY ? stack.reporters : []),
      ],
  // REPORT_ON_INCIDENT=heal: the runner restarts a service that broke outside a fault (incidents).
  use: process.env.REPORT_ON_INCIDENT === 'heal' ? { onIncident: 'heal' } : {},
  projects: [...stack.projects, { name: 'journeys', dependencies: [stack.setup] }],
});
