import { defineStack } from '../../stack/stack-definition.ts';
import { removeProjectResources, removeStack } from '../../stack/teardown.ts';
import { stackOptions, type Command } from '../context.ts';

export const run: Command = async (context) => {
  if (!context.values.file && context.values['project-name']) {
    await removeProjectResources(context.values['project-name']);
    context.log(`removed ${context.values['project-name']}`);
    return 0;
  }
  const definition = await defineStack(stackOptions(context));
  await removeStack(definition.target);
  context.log(`removed ${definition.target.projectName}`);
  return 0;
};
