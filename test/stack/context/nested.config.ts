import path from 'node:path';
import { defineConfig } from '@playwright/test';
import { stackProjects } from 'compose-journeys/config';

/** A run inside a run (test/stack/context.spec.ts): one journey with a fault, on an engine reached some other way. */
const out = path.resolve(process.env.CONTEXT_OUT ?? 'reports/context-nested');
const stack = stackProjects({ files: ['test/stacks/reuse/compose.yml'], waitTimeoutSeconds: 120 });

export default defineConfig({
  testDir: path.join(import.meta.dirname, 'journeys'),
  workers: 1,
  retries: 0,
  timeout: 60_000,
  outputDir: path.join(out, 'results'),
  reporter: [['json', { outputFile: path.join(out, 'report.json') }]],
  projects: [...stack.projects, { name: 'journeys', testMatch: /\.journey\.ts$/, dependencies: [stack.setup] }],
});
