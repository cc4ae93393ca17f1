import { JourneysError } from '../errors.ts';
import { type CommandResult, type RunOptions, runCommand } from '../util/run-command.ts';

const DAEMON_DOWN =
  /Cannot connect to the Docker daemon|Is the docker daemon running|error during connect|docker\.sock: connect/i;

/** Failures that mean "there is no engine to talk to", whatever command was run. */
export function daemonUnavailable(result: CommandResult): JourneysError | undefined {
  if (!DAEMON_DOWN.test(result.stderr)) return undefined;
  return new JourneysError(
    'DOCKER_UNAVAILABLE',
    'The Docker engine is not reachable.',
    `${result.stderr.trim()}\n\nFix: start it (\`sudo systemctl start docker\`, or \`npx journeys provision\` on Debian/Ubuntu as root), then \`npx journeys doctor\`.`,
  );
}

/** Runs the docker CLI; a missing binary or a stopped daemon become DOCKER_UNAVAILABLE errors. */
export async function docker(args: readonly string[], options: RunOptions = {}): Promise<CommandResult> {
  let result: CommandResult;
  try {
    result = await runCommand('docker', args, options);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new JourneysError(
        'DOCKER_UNAVAILABLE',
        'The docker CLI is not installed (no `docker` on PATH).',
        'Fix: install Docker Engine and the Compose v2 plugin; on Debian/Ubuntu as root `npx journeys provision` does it.',
      );
    }
    throw error;
  }
  const down = result.exitCode === 0 ? undefined : daemonUnavailable(result);
  if (down) throw down;
  return result;
}

/** Like `docker`, but a non-zero exit is an error that quotes the command and its stderr. */
export async function dockerOk(args: readonly string[], options: RunOptions = {}): Promise<string> {
  const result = await docker(args, options);
  if (result.exitCode !== 0) {
    throw new Error(`\`docker ${args.join(' ')}\` exited ${result.exitCode}: ${result.stderr.trim()}`);
  }
  return result.stdout;
}

/** `--format '{{json .}}'` prints one JSON object per line. */
export function parseJsonLines<T = unknown>(text: string): T[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as T);
}
