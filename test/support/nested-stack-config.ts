import path from 'node:path';
import { defineConfig, type PlaywrightTestConfig } from '@playwright/test';
import { stackProjects } from 'compose-journeys/config';

/**
 * The config of a run inside a run on a stack of its own: the `*.journey.ts` files of `journeysDir`,
 * one at a time in file order, in one project after the stack's setup, reported as JSON and HTML
 * under `out` (what the outer spec reads).
 */
export function nestedStackConfig(options: {
  journeysDir: string;
  stackFile: string;
  out: string;
  project: string;
}): PlaywrightTestConfig {
  const stack = stackProjects({ files: [options.stackFile], waitTimeoutSeconds: 120 });
  const out = path.resolve(options.out);
  return defineConfig({
    testDir: options.journeysDir,
    workers: 1,
    retries: 0,
    timeout: 30_000,
    outputDir: path.join(out, 'results'),
    reporter: [
      ['json', { outputFile: path.join(out, 'report.json') }],
      ['html', { outputFolder: path.join(out, 'html'), open: 'never' }],
    ],
    projects: [...stack.projects, { name: options.project, testMatch: /.*\.journey\.ts/, dependencies: [stack.setup] }],
  });
}
