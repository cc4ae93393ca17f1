import { currentEngine } from '../../engine/current-engine.ts';
import { defineStackFor } from '../../stack/stack-definition.ts';
import { type Command, runModeOf, stackOptions } from '../context.ts';

export const run: Command = async (context) => {
  const [options, mode] = await Promise.all([stackOptions(context), runModeOf(context)]);
  const definition = await defineStackFor(mode, options);
  const args = [
    'logs',
    '--timestamps',
    ...(context.values.tail ? ['--tail', context.values.tail] : []),
    ...(context.values.follow ? ['--follow'] : []),
    ...context.args,
  ];
  const result = await currentEngine().compose(definition.target, args, {
    onOutput: (chunk, stream) => (stream === 'stdout' ? process.stdout : process.stderr).write(chunk),
  });
  return result.exitCode;
};
