import { claimRun } from '../../run/run-identity.ts';
import { formatFinding, lintDefinition } from '../../stack/lint.ts';
import { defineStackFor } from '../../stack/stack-definition.ts';
import { DEFAULT_WAIT_TIMEOUT_SECONDS, startStackFor } from '../../stack/start-stack.ts';
import { keepStack } from '../../stack/started-stack.ts';
import { type Command, runModeOf, stackOptions } from '../context.ts';

export const run: Command = async (context) => {
  claimRun(); // this process owns the stack until it is handed over (kept) below
  const [options, mode] = await Promise.all([stackOptions(context), runModeOf(context)]);
  const definition = await defineStackFor(mode, options);
  // Reap and the registry probe run inside startStack/defineStack alongside the start; lint runs
  // here while Docker works (its findings are cached with the resolution).
  const starting = startStackFor(mode, definition, {
    waitTimeoutSeconds: options.waitTimeoutSeconds ?? DEFAULT_WAIT_TIMEOUT_SECONDS,
    keepOnFailure: mode.keepOnFailure,
    keep: 'started by journeys up',
    log: context.log,
  });
  starting.catch(() => {}); // awaited below, after lint
  if (!definition.reuse || !definition.running?.length)
    for (const finding of lintDefinition(definition)) context.log(`warning: ${formatFinding(finding)}`);
  const stack = await starting;
  // `journeys up` hands the stack to the user: it must outlive this process, so `reap` leaves it.
  const kept = keepStack(stack.target, stack.reused ? 'reused by journeys up' : 'started by journeys up');
  for (const endpoint of stack.endpoints.all)
    context.out(`${endpoint.service}:${endpoint.containerPort}\t${endpoint.url}`);
  context.log(
    `stack ${stack.projectName} is ${stack.reused ? 'up (reused)' : 'up'}. Endpoints file: ${stack.stateFile}`,
  );
  context.log(`remove it with: journeys down -p ${stack.projectName}   (or ${kept.commands.at(-1)})`);
  return 0;
};
