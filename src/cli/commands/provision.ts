import { provision } from '../../provision/provision.ts';
import type { Command } from '../context.ts';

export const run: Command = async ({ values, log }) => {
  const started = Date.now();
  await provision({ baseImages: values['base-images'], log });
  log(`machine ready (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  return 0;
};
