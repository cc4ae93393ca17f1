import path from 'node:path';
import { defineConfig } from '@playwright/test';
import { stackProjects } from 'compose-journeys/config';

/**
 * A run inside a run (started by test/resources/resources.spec.ts) on a stack of its own
 * (test/stacks/resources), one journey at a time: the OOM kill comes last.
 */
const out = path.resolve(process.env.RESOURCES_OUT ?? 'reports/resources-nested');
const stack = stackProjects({ files: ['test/stacks/resources/compose.yml'], waitTimeoutSeconds: 120 });

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
  projects: [...stack.projects, { name: 'resources', testMatch: /.*\.journey\.ts/, dependencies: [stack.setup] }],
});
