// npm run bench:stack — our up / down / reuse against bare `docker compose` on the same stack, in the
// same run, interleaved so machine noise hits both sides alike.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCommand } from '../src/util/run-command.ts';
import { defineStack } from '../src/stack/stack-definition.ts';
import { startStack } from '../src/stack/start-stack.ts';
import { printRatio, timed } from './figures.ts';

const FILE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'stacks/throwaway/compose.yml');
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const BARE_DOWN_RUNS = Number(process.env.BENCH_BARE_DOWN_RUNS ?? 2); // ~20 s each

const bare = async (project: string, ...args: string[]) => {
  const result = await runCommand('docker', ['compose', '-p', project, '-f', FILE, ...args]);
  if (result.exitCode !== 0) throw new Error(`docker compose ${args.join(' ')}: ${result.stderr}`);
};

const ours = { up: [] as number[], down: [] as number[], reuse: [] as number[] };
const baseline = { up: [] as number[], down: [] as number[], reuse: [] as number[] };

for (let run = 0; run < RUNS; run++) {
  const bareProject = `bench-bare-${run}`;
  baseline.up.push(await timed(() => bare(bareProject, 'up', '--detach', '--wait')));
  baseline.reuse.push(await timed(() => bare(bareProject, 'up', '--detach', '--wait')));
  if (run < BARE_DOWN_RUNS) baseline.down.push(await timed(() => bare(bareProject, 'down', '--volumes')));
  else await bare(bareProject, 'down', '--volumes', '--timeout', '0');

  const project = `bench-ours-${run}`;
  let stack!: Awaited<ReturnType<typeof startStack>>;
  ours.up.push(await timed(async () => (stack = await startStack(await defineStack({ files: [FILE], projectName: project, reuse: true })))));
  ours.reuse.push(await timed(() => defineStack({ files: [FILE], projectName: project, reuse: true }).then(startStack)));
  ours.down.push(await timed(() => stack.stop()));
}

printRatio('up', ours.up, baseline.up, 'bare up --wait');
printRatio('down', ours.down, baseline.down, 'bare down -v');
printRatio('reuse', ours.reuse, baseline.reuse, 'bare up --wait on the running stack');
