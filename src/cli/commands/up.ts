import { formatFinding, lintStack } from '../../stack/lint.ts';
import { defineStack } from '../../stack/stack-definition.ts';
import { DEFAULT_WAIT_TIMEOUT_SECONDS, startStack } from '../../stack/start-stack.ts';
import { keepStack } from '../../stack/started-stack.ts';
import { stackOptions, type Command } from '../context.ts';

export const run: Command = async (context) => {
  const options = stackOptions(context);
  const definition = await defineStack(options);
  for (const finding of lintStack(definition)) context.log(`warning: ${formatFinding(finding)}`);
  const stack = await startStack(definition, {
    waitTimeoutSeconds: options.waitTimeoutSeconds ?? DEFAULT_WAIT_TIMEOUT_SECONDS,
    keepOnFailure: context.values['keep-on-failure'],
    log: context.log,
  });
  // `journeys up` hands the stack to the user: it must outlive this process, so `reap` leaves it.
  const kept = keepStack(stack.target, 'started by journeys up');
  for (const endpoint of stack.endpoints.all) context.out(`${endpoint.service}:${endpoint.containerPort}\t${endpoint.url}`);
  context.log(`stack ${stack.projectName} is up. Endpoints file: ${stack.stateFile}`);
  context.log(`remove it with: journeys down -p ${stack.projectName}   (or ${kept.commands.at(-1)})`);
  return 0;
};
