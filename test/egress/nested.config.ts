import path from 'node:path';
import { defineConfig } from '@playwright/test';
import { stackProjects } from 'compose-journeys/config';

/** A run inside a run (started by test/egress/egress.spec.ts) on test/stacks/egress, which declares `x-journeys.egress: none`. */
const out = path.resolve(process.env.EGRESS_OUT ?? 'reports/egress-nested');
const stack = stackProjects({ files: ['test/stacks/egress/compose.yml'], waitTimeoutSeconds: 120 });

export default defineConfig({
  testDir: path.join(import.meta.dirname, 'journeys'),
  workers: 1,
  retries: 0,
  timeout: 30_000,
  outputDir: path.join(out, 'results'),
  reporter: [
    ['json', { outputFile: path.join(out, 'report.json') }],
    ['html', { outputFolder: path.join(out, 'html'), open: 'never' }],
  ],
  projects: [...stack.projects, { name: 'egress', testMatch: /.*\.journey\.ts/, dependencies: [stack.setup] }],
});
