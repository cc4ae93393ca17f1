import path from 'node:path';
import { formatFinding, lintDefinition } from '../../stack/lint.ts';
import { defineStackFor } from '../../stack/stack-definition.ts';
import { type Command, runModeOf, stackOptions } from '../context.ts';

export const run: Command = async (context) => {
  const [options, mode] = await Promise.all([stackOptions(context), runModeOf(context)]);
  const definition = await defineStackFor(mode, options);
  const findings = lintDefinition(definition);
  for (const warning of definition.composeWarnings) context.out(`compose: ${warning}`);
  for (const finding of findings) context.out(formatFinding(finding));
  context.log(
    findings.length === 0
      ? `no findings in ${definition.target.files.map((f) => path.relative(process.cwd(), f)).join(', ')}`
      : `${findings.length} finding(s)`,
  );
  return findings.length === 0 ? 0 : 1;
};
