import path from 'node:path';
import { defineConfig } from '@playwright/test';
import { stackProjects } from 'compose-journeys/config';

/**
 * A run inside a run (started by test/faults/faults.spec.ts) on a small stack of its own
 * (test/stacks/faults): the layout the README recommends. `stubs` runs two journeys at once on one
 * WireMock; `faults` runs after it, one test at a time, because faults change the shared stack.
 */
const out = path.resolve(process.env.FAULTS_OUT ?? 'reports/faults-nested');
const stack = stackProjects({ files: ['test/stacks/faults/compose.yml'], waitTimeoutSeconds: 180 });

export default defineConfig({
  testDir: path.join(import.meta.dirname, 'journeys'),
  workers: 2,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 5_000 },
  outputDir: path.join(out, 'results'),
  reporter: [
    ['json', { outputFile: path.join(out, 'report.json') }],
    ['html', { outputFolder: path.join(out, 'html'), open: 'never' }],
  ],
  projects: [
    ...stack.projects,
    { name: 'stubs', testMatch: /stubs\.journey\.ts/, fullyParallel: true, workers: 2, dependencies: [stack.setup] },
    { name: 'faults', testMatch: /faults\.journey\.ts/, workers: 1, dependencies: ['stubs'] },
  ],
});
