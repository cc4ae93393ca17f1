import path from 'node:path';
import { defineConfig } from '@playwright/test';
import { stackProjects } from 'compose-journeys/config';

/**
 * A run inside a run on a stack the test writes into a git repository of its own (SUSPECT_STACK:
 * two services built from their folders), so that a night can change one service's source and
 * rebuild it, as a team's nightly would see. HISTORY_OUT: the reports.
 */
const out = path.resolve(process.env.HISTORY_OUT ?? 'reports/history-nested');
const stack = stackProjects({
  files: [path.join(process.env.SUSPECT_STACK ?? '', 'compose.yml')],
  waitTimeoutSeconds: 120,
});

export default defineConfig({
  testDir: path.join(import.meta.dirname, 'suspect'),
  testMatch: /.*\.journey\.ts/,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  outputDir: path.join(out, 'results'),
  reporter: [
    ['list'],
    ['json', { outputFile: path.join(out, 'report.json') }],
    ...stack.reporters.map(
      ([name]) => [name, { summaryFile: path.join(out, 'history-summary.json') }] as [string, unknown],
    ),
  ],
  projects: [...stack.projects, { name: 'journeys', dependencies: [stack.setup] }],
});
