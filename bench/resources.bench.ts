// npm run bench:resources: what following the services' CPU and memory costs a journey. Nested
// Playwright runs of 25 one-call journeys on test/stacks/resources, sampling on and off alternately
// (the same stack, reused), compared by each journey's duration as Playwright reports it (fixtures
// included). The stack is removed at the end.
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { runPlaywright } from '../test/support/nested-playwright.ts';
import { printLatency, printP95Delta } from './figures.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4);
const PROJECT = `bench-resources-${process.pid}`;
const OUT = path.resolve('reports/bench-resources');

interface JsonSuite {
  specs?: { title: string; tests: { results: { duration: number; status: string }[] }[] }[];
  suites?: JsonSuite[];
}

function durations(file: string): number[] {
  const report = JSON.parse(readFileSync(file, 'utf8')) as { suites: JsonSuite[] };
  const walk = (suite: JsonSuite): number[] => [
    ...(suite.specs ?? [])
      .filter((spec) => spec.title.startsWith('journey '))
      .flatMap((spec) => spec.tests.flatMap((t) => t.results.map((r) => r.duration))),
    ...(suite.suites ?? []).flatMap(walk),
  ];
  return report.suites.flatMap(walk);
}

async function run(sampling: boolean): Promise<number[]> {
  const out = path.join(OUT, sampling ? 'on' : 'off');
  rmSync(out, { recursive: true, force: true });
  const result = await runPlaywright('bench/resources/bench.config.ts', [], {
    BENCH_OUT: out,
    BENCH_SAMPLING: sampling ? '1' : '0',
    JOURNEYS_PROJECT: PROJECT,
    JOURNEYS_REUSE: '1',
  });
  if (result.exitCode !== 0) throw new Error(`nested run failed:\n${result.output}`);
  // The first journey of a run also pays the worker's set-up (the stream opening, with sampling).
  return durations(path.join(out, 'report.json'));
}

const on: number[] = [];
const off: number[] = [];
try {
  await run(false); // warm: the stack comes up, and is reused from here on
  for (let round = 0; round < ROUNDS; round++) {
    off.push(...(await run(false)));
    on.push(...(await run(true)));
  }
} finally {
  execFileSync('node', ['bin/journeys.js', 'down', '-p', PROJECT], { stdio: 'ignore' });
}
printLatency('journey with resource sampling', on);
printLatency('journey without (baseline)', off);
printP95Delta('resource-sampling per journey', on, off, 'sampling', 'no sampling');
