import path from 'node:path';
import { defineConfig } from '@playwright/test';
import { stackProjects } from 'compose-journeys/config';

/**
 * A run inside a run on a real stack (test/history/stacks/drift), with the package's own fixtures
 * and its recommended reporters: what the drift test drives three times. HISTORY_OUT: the reports.
 */
const out = path.resolve(process.env.HISTORY_OUT ?? 'reports/history-nested');
const stack = stackProjects({
  files: [path.join(import.meta.dirname, '../stacks/drift/compose.yml')],
  waitTimeoutSeconds: 180,
});

export default defineConfig({
  testDir: path.join(import.meta.dirname, 'drift-fixtures'),
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
