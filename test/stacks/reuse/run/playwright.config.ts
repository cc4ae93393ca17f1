import { defineConfig } from '@playwright/test';
import { stackProjects } from 'compose-journeys/config';

// A run on the reuse stack with JOURNEYS_REUSE=1 (test/stack/lifecycle.spec.ts): the second run
// finds it running and unchanged while loading this config, and needs no setup test.
const stack = stackProjects({ files: [`${import.meta.dirname}/../compose.yml`] });

export default defineConfig({
  testDir: import.meta.dirname,
  testMatch: /.*\.journey\.ts/,
  reporter: 'list',
  projects: [...stack.projects, { name: 'journeys', dependencies: [stack.setup] }],
});
