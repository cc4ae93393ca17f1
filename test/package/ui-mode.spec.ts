// Playwright's UI mode opened on this repo's example, as a Playwright user opens a repo first:
// the journeys are listed, with no filter to find and tick.
import { expect, test } from '@playwright/test';
import { REPO } from '../support/cli.ts';
import { openUiMode } from '../support/ui-mode.ts';

test('UI mode opened on the example lists its journeys without touching a filter', async () => {
  test.setTimeout(120_000);
  const view = await openUiMode(REPO);
  expect(view.projects).toBe('journeys');
  expect(view.tests).toContain('an order is reserved, paid and notified');
  expect(view.tests).toContain('happy-path.spec.ts');
  expect(view.tests).not.toContain('start the stack');
});
