import { doctor, formatCheck } from '../../doctor.ts';
import { exitCodeFor } from '../../errors.ts';
import type { Command } from '../context.ts';

export const run: Command = async ({ out }) => {
  const checks = await doctor();
  for (const check of checks) out(formatCheck(check));
  return checks.some((check) => check.status === 'fail') ? exitCodeFor('DOCKER_UNAVAILABLE') : 0;
};
