import { spawn } from 'node:child_process';
import { REPO } from './nested-history-run.ts';

/** Four processes that record `runs` runs each into one database, all starting at the same instant. */
export async function writeConcurrently(
  url: string,
  options: { writers: number; runs: number; journeys: number },
): Promise<void> {
  const startAt = Date.now() + 3_000; // after every process has started and opened the store
  const writers = Array.from(
    { length: options.writers },
    (_, i) =>
      new Promise<void>((resolve, reject) => {
        const child = spawn(
          'npx',
          [
            '--no-install',
            'tsx',
            'test/history/support/write-runs.ts',
            url,
            `w${i + 1}`,
            String(options.runs),
            String(options.journeys),
            String(startAt),
          ],
          { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] },
        );
        let output = '';
        child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
        child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
        child.on('close', (code) =>
          code === 0 ? resolve() : reject(new Error(`writer w${i + 1} exited ${code}:\n${output}`)),
        );
      }),
  );
  await Promise.all(writers);
}
