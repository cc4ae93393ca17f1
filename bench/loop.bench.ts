// npm run bench:loop — the developer's loop on a reused shop stack, whole processes as typed:
//   loop-one   JOURNEYS_REUSE=1 npx playwright test journeys/shop/happy-path.spec.ts
//   loop-five  JOURNEYS_REUSE=1 npx playwright test <the five first shop journeys>   (two workers)
//   loop-all   JOURNEYS_REUSE=1 npx playwright test journeys/   (all ten: the failure journeys too,
//              the two fault journeys one at a time after the others)
//   baseline   a bare Playwright run of a one-line test (bench/loop-baseline), in the same run
// interleaved, medians (BENCH_RUNS, default 5), with where the time of loop-one goes (from
// Playwright's JSON report), then
//   idle-cpu   the shop's containers' CPU (cgroup usage, healthchecks included) over 15 s, starting
//              30 s after the last run settled, in % of one core.
// It starts the shop (reusable, JOURNEYS_PROJECT, default journeys-shop-loop) if it is not up, and
// removes it at the end unless --keep. --cold removes it first and reports the cold start too.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { runCommand } from '../src/util/run-command.ts';
import { median, percentile, timed } from './figures.ts';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const PROJECT = process.env.JOURNEYS_PROJECT ?? 'journeys-shop-loop';
const args = process.argv.slice(2);
const clean = Object.fromEntries(
  Object.entries(process.env).filter(([name]) => !/^(JOURNEYS_|PW_|PLAYWRIGHT_|TEST_)/.test(name)),
);
const env = { ...clean, JOURNEYS_REUSE: '1', JOURNEYS_PROJECT: PROJECT, FORCE_COLOR: '0' };
const REPORT = path.join(REPO, 'reports/bench-loop.json');

async function run(command: string[], extra: NodeJS.ProcessEnv = {}): Promise<void> {
  const result = await runCommand(command[0]!, command.slice(1), { cwd: REPO, env: { ...env, ...extra } });
  if (result.exitCode !== 0)
    throw new Error(`${command.join(' ')} exited ${result.exitCode}:\n${result.stdout}\n${result.stderr}`);
}

const line = (name: string, samples: number[], baseline?: number[]) => {
  const wall = median(samples) / 1000;
  const base = baseline ? `; bare Playwright one-line test ${(median(baseline) / 1000).toFixed(2)} s` : '';
  console.log(
    `${name} wall=${wall.toFixed(2)} s (median of ${samples.length}, p95 ${(percentile(samples, 95) / 1000).toFixed(2)} s${base})`,
  );
};

// --- the stack
const up = async () => {
  const started = Date.now();
  await run([process.execPath, 'bin/journeys.js', 'up', '-p', PROJECT]);
  return (Date.now() - started) / 1000;
};
if (args.includes('--cold')) {
  await run([process.execPath, 'bin/journeys.js', 'down', '-p', PROJECT]);
  const wall = await up();
  await coldStartReport(wall);
  await firstJourneyAfterReady();
} else {
  await up();
}

// --- the loop
const samples = { one: [] as number[], five: [] as number[], all: [] as number[], bare: [] as number[] };
const FIVE = ['happy-path', 'out-of-stock', 'payment-declined', 'last-item-race', 'duplicate-delivery'].map(
  (name) => `journeys/shop/${name}.spec.ts`,
);
const breakdown: Record<string, number[]> = {};
const one = ['npx', '--no-install', 'playwright', 'test', 'journeys/shop/happy-path.spec.ts', '--reporter=json'];
await run(one, { PLAYWRIGHT_JSON_OUTPUT_FILE: REPORT }); // warm-up (transpile caches, first connections)
for (let i = 0; i < RUNS; i++) {
  samples.bare.push(
    await timed(() =>
      run(['npx', '--no-install', 'playwright', 'test', '-c', 'bench/loop-baseline/playwright.config.ts']),
    ),
  );
  const started = Date.now();
  samples.one.push(await timed(() => run(one, { PLAYWRIGHT_JSON_OUTPUT_FILE: REPORT })));
  for (const [name, ms] of Object.entries(phases(REPORT, started, Date.now()))) {
    breakdown[name] ??= [];
    breakdown[name].push(ms);
  }
  samples.five.push(await timed(() => run(['npx', '--no-install', 'playwright', 'test', ...FIVE])));
  samples.all.push(await timed(() => run(['npx', '--no-install', 'playwright', 'test', 'journeys/'])));
}
line('loop-baseline', samples.bare);
line('loop-one', samples.one, samples.bare);
line('loop-five', samples.five, samples.bare);
line('loop-all', samples.all, samples.bare);
for (const [name, values] of Object.entries(breakdown))
  console.log(`loop-one ${name} p50=${median(values).toFixed(0)} ms p95=${percentile(values, 95).toFixed(0)} ms`);

// --- idle
await sleep(30_000);
console.log(
  `idle-cpu stack=${(await idleCpu(15_000)).toFixed(1)} % of one core (${PROJECT}, 15 s window, 30 s after the last run)`,
);

if (!args.includes('--keep')) await run([process.execPath, 'bin/journeys.js', 'down', '-p', PROJECT]);
rmSync(REPORT, { force: true });

/** Where the time of one run went, from its JSON report: test start times and durations. */
function phases(file: string, startedAt: number, endedAt: number): Record<string, number> {
  const of = reportResults(file);
  const [setup] = of('stack');
  const [teardown] = of('stack teardown');
  const journeys = of('journeys');
  if (journeys.length === 0) return {};
  const firstJourney = Math.min(...journeys.map((j) => j.start));
  const lastJourney = Math.max(...journeys.map((j) => j.end));
  const resolveStep = setup?.steps.find((step) => step.title.startsWith('resolve'));
  return {
    // JOURNEYS_REUSE=1 with the stack running and unchanged: the runner checked it while loading the
    // config, and there is no setup test.
    ...(setup
      ? {
          'start→stack step (runner, config, worker)': setup.start - startedAt,
          'stack step': setup.end - setup.start,
          ...(resolveStep ? { 'of which resolve': resolveStep.duration } : {}),
          'stack step→journey (worker, fixtures)': firstJourney - setup.end,
        }
      : { 'start→journey (runner, config and reuse check, worker)': firstJourney - startedAt }),
    // A result's duration leaves out worker-scoped fixture set-up (pools, the Kafka group join):
    // that time shows up after the journey's "end" computed here.
    'journey body': lastJourney - firstJourney,
    ...(teardown
      ? {
          'journey body→teardown (worker fixture set-up outside the test duration, worker teardown, new worker)':
            teardown.start - lastJourney,
          teardown: teardown.end - teardown.start,
          'teardown→exit': endedAt - teardown.end,
        }
      : {
          'after the journey body (worker fixture set-up outside the test duration; worker teardown; reporters; exit)':
            endedAt - lastJourney,
        }),
  };
}

interface RunResult {
  start: number;
  end: number;
  steps: { title: string; duration: number }[];
}

/** A JSON report's test results, by project: start, end (start + duration) and top-level steps. */
function reportResults(file: string): (project: string) => RunResult[] {
  interface Result {
    startTime: string;
    duration: number;
    steps?: { title: string; duration: number }[];
  }
  interface Suite {
    specs?: { title: string; tests: { projectName: string; results: Result[] }[] }[];
    suites?: Suite[];
  }
  const report = JSON.parse(readFileSync(file, 'utf8')) as { suites: Suite[] };
  const results: { project: string; result: Result }[] = [];
  const walk = (suite: Suite) => {
    for (const spec of suite.specs ?? [])
      for (const test of spec.tests)
        for (const result of test.results) results.push({ project: test.projectName, result });
    (suite.suites ?? []).forEach(walk);
  };
  report.suites.forEach(walk);
  return (project) =>
    results
      .filter((r) => r.project === project)
      .map((r) => ({
        start: Date.parse(r.result.startTime),
        end: Date.parse(r.result.startTime) + r.result.duration,
        steps: r.result.steps ?? [],
      }));
}

/**
 * A run as CI makes it (no reuse: its own stack, started by the setup test): from the setup test's
 * end (the stack ready) to the first journey's start (a new worker, its fixtures).
 */
async function firstJourneyAfterReady(): Promise<void> {
  const file = path.join(REPO, 'reports/bench-loop-fresh.json');
  await run(['npx', '--no-install', 'playwright', 'test', 'journeys/shop/happy-path.spec.ts', '--reporter=json'], {
    JOURNEYS_REUSE: '',
    JOURNEYS_PROJECT: '',
    PLAYWRIGHT_JSON_OUTPUT_FILE: file,
  });
  const of = reportResults(file);
  rmSync(file, { force: true });
  const [setup] = of('stack');
  const [journey] = of('journeys');
  if (!setup || !journey) throw new Error('bench: the fresh run reported no setup or journey');
  console.log(
    `first-journey-after-ready=${journey.start - setup.end} ms (fresh run: the setup test's end → the first journey's start; target <= 1000 ms)`,
  );
}

/** The shop's container ids (`-q`: running ones, `-aq`: all). */
async function containerIds(which: string[]): Promise<string[]> {
  const listed = await runCommand('docker', [
    'ps',
    ...which,
    '--no-trunc',
    '--filter',
    `label=com.docker.compose.project=${PROJECT}`,
  ]);
  return listed.stdout.split('\n').filter(Boolean);
}

/** The project's containers' CPU over a window: cgroup v2 usage_usec (v1 cpuacct as a fallback). */
async function idleCpu(windowMs: number): Promise<number> {
  const ids = await containerIds(['-q']);
  const usage = () => ids.reduce((sum, id) => sum + cpuUsec(id), 0);
  const before = usage();
  const started = performance.now();
  await sleep(windowMs);
  const used = usage() - before;
  return (used / 1000 / (performance.now() - started)) * 100;
}

function cpuUsec(id: string): number {
  for (const file of [
    `/sys/fs/cgroup/system.slice/docker-${id}.scope/cpu.stat`,
    `/sys/fs/cgroup/docker/${id}/cpu.stat`,
  ]) {
    if (existsSync(file)) return Number(/usage_usec (\d+)/.exec(readFileSync(file, 'utf8'))?.[1] ?? 0);
  }
  const v1 = `/sys/fs/cgroup/cpuacct/docker/${id}/cpuacct.usage`;
  return existsSync(v1) ? Number(readFileSync(v1, 'utf8')) / 1000 : 0;
}

/**
 * Cold start: was the shop ready no later than its slowest service's own start + 2 s? A service's own
 * start is from its container starting to its first passing healthcheck (one-shots: to their exit).
 */
async function coldStartReport(wallSeconds: number): Promise<void> {
  const ids = await containerIds(['-aq']);
  const inspected = JSON.parse((await runCommand('docker', ['inspect', ...ids])).stdout) as {
    Config: { Labels: Record<string, string> };
    State: {
      StartedAt: string;
      FinishedAt: string;
      Status: string;
      Health?: { Log: { End: string; ExitCode: number }[] };
    };
  }[];
  let firstStart = Infinity;
  let lastReady = 0;
  let slowest = { service: '', seconds: 0 };
  const own = new Map<string, { seconds: number; dependsOn: string[] }>();
  for (const container of inspected) {
    const started = Date.parse(container.State.StartedAt);
    const healthy = container.State.Health?.Log.find((probe) => probe.ExitCode === 0);
    const ready = healthy
      ? Date.parse(healthy.End)
      : container.State.Status === 'exited'
        ? Date.parse(container.State.FinishedAt)
        : started;
    firstStart = Math.min(firstStart, started);
    lastReady = Math.max(lastReady, ready);
    const service = container.Config.Labels['com.docker.compose.service'] ?? '?';
    const seconds = (ready - started) / 1000;
    // Compose records depends_on as "kafka:service_healthy:false,migrate:…"; a service_started
    // dependency does not wait for the other's readiness, so it is no link of a chain.
    const dependsOn = (container.Config.Labels['com.docker.compose.depends_on'] ?? '')
      .split(',')
      .filter(Boolean)
      .map((entry) => entry.split(':'))
      .filter(([, condition]) => condition !== 'service_started')
      .map(([name]) => name!);
    own.set(service, { seconds, dependsOn });
    if (seconds > slowest.seconds) slowest = { service, seconds };
  }
  // A service cannot start before what it depends on is ready: the longest chain of own starts
  // along depends_on is the least any engine could do.
  const chainOf = (service: string): { seconds: number; path: string[] } => {
    const entry = own.get(service);
    if (!entry) return { seconds: 0, path: [] };
    const longest = entry.dependsOn.map(chainOf).sort((a, b) => b.seconds - a.seconds)[0] ?? { seconds: 0, path: [] };
    return {
      seconds: longest.seconds + entry.seconds,
      path: [...longest.path, `${service} ${entry.seconds.toFixed(1)} s`],
    };
  };
  const chain = [...own.keys()].map(chainOf).sort((a, b) => b.seconds - a.seconds)[0]!;
  const ready = (lastReady - firstStart) / 1000;
  console.log(
    `cold-start ready=${ready.toFixed(1)} s (first container start → last service ready; journeys up wall ${wallSeconds.toFixed(1)} s), slowest service's own start=${slowest.seconds.toFixed(1)} s (${slowest.service}), margin=${(ready - slowest.seconds).toFixed(1)} s (target <= 2 s)`,
  );
  console.log(
    `cold-start chain=${chain.seconds.toFixed(1)} s (longest depends_on chain of own starts: ${chain.path.join(' → ')}), margin over the chain=${(ready - chain.seconds).toFixed(1)} s`,
  );
}
