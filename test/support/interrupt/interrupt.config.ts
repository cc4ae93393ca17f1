import path from 'node:path';
import { defineConfig } from '@playwright/test';
import { stackProjects } from 'compose-journeys/config';

/**
 * A journeys run the interrupt tests kill (test/stack/interrupt.spec.ts, bench/interrupt-trial.ts
 * with --small): the same wiring as the shop's playwright.config.ts on a small stack
 * (test/stacks/interrupt, or TEST_STACK), two journeys that take a while.
 */
const file = process.env.TEST_STACK
  ? path.resolve(process.env.TEST_STACK)
  : path.join(import.meta.dirname, '../../stacks/interrupt/compose.yml');
const stack = stackProjects({ files: [file], waitTimeoutSeconds: Number(process.env.TEST_WAIT_TIMEOUT ?? 60) });

export default defineConfig({
  timeout: 120_000,
  workers: 2,
  reporter: 'list',
  outputDir: path.join(import.meta.dirname, '../../../reports/interrupt-results'),
  projects: [
    ...stack.projects,
    { name: 'journeys', testDir: import.meta.dirname, testMatch: /.*\.journey\.ts/, dependencies: [stack.setup] },
  ],
});
