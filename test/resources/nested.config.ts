import path from 'node:path';
import { nestedStackConfig } from '../support/nested-stack-config.ts';

/**
 * A run inside a run (started by test/resources/resources.spec.ts) on a stack of its own
 * (test/stacks/resources), one journey at a time: the OOM kill comes last.
 */
export default nestedStackConfig({
  journeysDir: path.join(import.meta.dirname, 'journeys'),
  stackFile: 'test/stacks/resources/compose.yml',
  out: process.env.RESOURCES_OUT ?? 'reports/resources-nested',
  project: 'resources',
});
