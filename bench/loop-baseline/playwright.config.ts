import { defineConfig } from '@playwright/test';

// The floor of any loop: a bare Playwright run of a one-line test (bench/loop.bench.ts's baseline).
export default defineConfig({
  testDir: import.meta.dirname,
  testMatch: /one-line\.spec\.ts/,
  workers: 2,
  reporter: 'list',
});
