import path from 'node:path';
import { nestedStackConfig } from '../support/nested-stack-config.ts';

/** A run inside a run (started by test/egress/egress.spec.ts) on test/stacks/egress, which declares `x-journeys.egress: none`. */
export default nestedStackConfig({
  journeysDir: path.join(import.meta.dirname, 'journeys'),
  stackFile: 'test/stacks/egress/compose.yml',
  out: process.env.EGRESS_OUT ?? 'reports/egress-nested',
  project: 'egress',
});
