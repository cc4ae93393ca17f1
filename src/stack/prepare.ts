import { projectDirectory } from '../engine/compose.ts';
import { JourneysError } from '../errors.ts';
import { runCommand } from '../util/run-command.ts';
import type { StackDefinition } from './stack-definition.ts';

/**
 * Runs the stack's `x-journeys.prepare` commands (e.g. bundling service code) from the project
 * directory, before images are built, so a build always sees the current source.
 */
export async function runPrepare(definition: StackDefinition, log: (line: string) => void): Promise<void> {
  const cwd = projectDirectory(definition.target);
  for (const command of definition.config['x-journeys']?.prepare ?? []) {
    log(`prepare: ${command}`);
    const result = await runCommand('sh', ['-c', command], { cwd });
    if (result.exitCode !== 0) {
      throw new JourneysError(
        'STACK_STARTUP',
        `The prepare command \`${command}\` (x-journeys.prepare in ${definition.target.files[0]}) exited ${result.exitCode}.`,
        `${result.stdout}\n${result.stderr}`.trim(),
      );
    }
  }
}
