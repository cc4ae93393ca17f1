import path from 'node:path';
import { defineConfig } from '@playwright/test';
import type { JourneyOptions, JourneyWorkerOptions } from 'compose-journeys';
import { stackProjects } from 'compose-journeys/config';

// bench:resources's nested runs: short journeys on test/stacks/resources, with the resource sampling
// on or off (BENCH_SAMPLING), one worker, the stack reused between runs (JOURNEYS_REUSE=1).
const out = path.resolve(process.env.BENCH_OUT ?? 'reports/bench-resources');
const stack = stackProjects({ files: ['test/stacks/resources/compose.yml'], waitTimeoutSeconds: 120 });

export default defineConfig<JourneyOptions, JourneyWorkerOptions>({
  testDir: import.meta.dirname,
  workers: 1,
  retries: 0,
  reporter: [['json', { outputFile: path.join(out, 'report.json') }]],
  outputDir: path.join(out, 'results'),
  use: { resourceSampling: process.env.BENCH_SAMPLING !== '0' },
  projects: [...stack.projects, { name: 'bench', testMatch: /.*\.journey\.ts/, dependencies: [stack.setup] }],
});
