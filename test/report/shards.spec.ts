import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { REPO } from '../support/cli.ts';
import { resourceCount } from '../support/docker-resources.ts';
import { readJsonReport, runNested } from './nested-run.ts';

/**
 * CI's nightly shape, small: two shards, each on its own Compose project (a small stack), blob
 * reports merged into one report that holds both shards' journeys.
 */
const OUT = path.join(REPO, 'reports/shards');

test('two shards on two stacks merge into one report', async () => {
  test.setTimeout(5 * 60_000);
  rmSync(OUT, { recursive: true, force: true });
  const env = (shard: number) => ({
    REPORT_OUT: path.join(OUT, `shard${shard}`),
    REPORT_STACK: 'test/stacks/ordering/compose.yml',
    REPORT_JOURNEYS: 'sharded',
    REPORT_BLOB: '1',
  });
  const runs = await Promise.all([1, 2].map((shard) => runNested([`--shard=${shard}/2`], env(shard))));
  for (const run of runs) expect(run.exitCode, run.output).toBe(0);

  const blobs = path.join(OUT, 'all-blobs');
  mkdirSync(blobs, { recursive: true });
  for (const shard of [1, 2]) {
    const dir = path.join(OUT, `shard${shard}`, 'blob');
    for (const file of readdirSync(dir)) copyFileSync(path.join(dir, file), path.join(blobs, file));
  }
  expect(readdirSync(blobs)).toHaveLength(2);
  const merged = spawnSync('npx', ['--no-install', 'playwright', 'merge-reports', '--reporter', 'json,html', blobs], {
    cwd: REPO,
    encoding: 'utf8',
    env: {
      ...process.env,
      PLAYWRIGHT_HTML_OUTPUT_DIR: path.join(OUT, 'html'),
      PLAYWRIGHT_HTML_OPEN: 'never',
      PLAYWRIGHT_JSON_OUTPUT_FILE: path.join(OUT, 'merged.json'),
    },
  });
  expect(merged.status, merged.stderr).toBe(0);

  const journeys = readJsonReport(path.join(OUT, 'merged.json')).filter((t) => t.project === 'journeys');
  expect(journeys.map((t) => t.title).sort()).toEqual(['shard a answers', 'shard b answers']);
  const projects = journeys.map((t) => t.annotations['compose-project']!);
  expect(new Set(projects).size).toBe(2);
  expect(projects.sort().map((p) => /-s(\dof2)-/.exec(p)?.[1])).toEqual(['1of2', '2of2']);
  for (const project of projects) expect(resourceCount(project)).toBe(0);
});
