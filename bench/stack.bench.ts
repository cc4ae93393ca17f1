// npm run bench:stack — what a user pays for our CLI, whole processes (Node start included), against
// bare `docker compose` on the same stack (bench/stacks/throwaway), interleaved (the side that goes
// first alternates) so machine noise hits both alike. Medians.
//   up     `journeys up -p P`                    vs `docker compose up -d --wait`
//   down   `journeys down -p P`                  vs `docker compose down -v -t 0` (no grace: same work)
//   reuse  `JOURNEYS_REUSE=1 journeys up -p P` on the running, unchanged stack
//          vs `docker compose up -d --wait` on the running stack
//   status `journeys status`                       vs `docker compose ps`
//   logs   `journeys logs -p P`                   vs `docker compose logs --timestamps`
//   help   `journeys --help`
// BENCH_RUNS (default 7). The first iteration warms caches (images, the resolved-config cache) and
// is not counted.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCommand } from '../src/util/run-command.ts';
import { printLatency, printRatio, timed } from './figures.ts';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const FILE = path.join(REPO, 'bench/stacks/throwaway/compose.yml');
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const CLI = path.join(REPO, 'bin/journeys.js');
// A run of its own: not part of an outer Playwright run, if any.
const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('JOURNEYS_')));

const must = async (file: string, args: string[], extraEnv: NodeJS.ProcessEnv = {}) => {
  const result = await runCommand(file, args, { cwd: REPO, env: { ...env, ...extraEnv } });
  if (result.exitCode !== 0) throw new Error(`${file} ${args.join(' ')} exited ${result.exitCode}: ${result.stderr}`);
};
const bare = (project: string, ...args: string[]) => must('docker', ['compose', '-p', project, '-f', FILE, ...args]);
const ours = (...args: string[]) => must(process.execPath, [CLI, ...args]);

const samples = {
  up: [[], []],
  down: [[], []],
  reuse: [[], []],
  status: [[], []],
  logs: [[], []],
  help: [[]],
} as Record<string, number[][]>;
const record = (name: string, side: 0 | 1, ms: number, counted: boolean) => counted && samples[name]![side]!.push(ms);

for (let run = 0; run <= RUNS; run++) {
  const counted = run > 0;
  const mine = `bench-ours-${process.pid}-${run}`;
  const theirs = `bench-bare-${process.pid}-${run}`;
  const sides = [
    async () => {
      record('up', 0, await timed(() => ours('up', '-f', FILE, '-p', mine)), counted);
      record(
        'reuse',
        0,
        await timed(() => must(process.execPath, [CLI, 'up', '-f', FILE, '-p', mine], { JOURNEYS_REUSE: '1' })),
        counted,
      );
      record('status', 0, await timed(() => ours('status')), counted);
      record('logs', 0, await timed(() => ours('logs', '-f', FILE, '-p', mine)), counted);
      record('down', 0, await timed(() => ours('down', '-p', mine)), counted);
    },
    async () => {
      record('up', 1, await timed(() => bare(theirs, 'up', '--detach', '--wait')), counted);
      record('reuse', 1, await timed(() => bare(theirs, 'up', '--detach', '--wait')), counted);
      record('status', 1, await timed(() => bare(theirs, 'ps')), counted);
      record('logs', 1, await timed(() => bare(theirs, 'logs', '--timestamps')), counted);
      record('down', 1, await timed(() => bare(theirs, 'down', '--volumes', '--timeout', '0')), counted);
    },
  ];
  if (run % 2 === 1) sides.reverse();
  for (const side of sides) await side();
  record('help', 0, await timed(() => ours('--help')), counted);
}

printRatio('up', samples.up![0]!, samples.up![1]!, 'bare up -d --wait');
printRatio('down', samples.down![0]!, samples.down![1]!, 'bare down -v -t 0');
printRatio('reuse', samples.reuse![0]!, samples.reuse![1]!, 'bare up -d --wait on the running stack');
printRatio('status', samples.status![0]!, samples.status![1]!, 'bare ps');
printRatio('logs', samples.logs![0]!, samples.logs![1]!, 'bare logs --timestamps');
printLatency('reuse', samples.reuse![0]!);
printLatency('help', samples.help![0]!);
