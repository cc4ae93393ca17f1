import path from 'node:path';
import { expect, test } from '@playwright/test';
import { type ReportedTest, readJsonReport, reportedTest, runNested } from '../report/nested-run.ts';
import { REPO } from '../support/cli.ts';
import { projectResources } from '../support/docker-resources.ts';

/**
 * No real egress on a real stack (test/stacks/egress, `x-journeys.egress: none`), run nested: a call
 * inside the stack passes; a call to a host outside it is refused at DNS and fails the journey, naming
 * the service and the host; the journey after it is not blamed. The guard goes with the stack.
 */
const OUT = path.join(REPO, 'reports/egress-nested');
const PROJECT = `journeys-egress-${process.pid}`;

test.describe.configure({ mode: 'serial' });
let tests: ReportedTest[];
const byTitle = (title: string) => reportedTest(tests, title);

test.beforeAll(async () => {
  test.setTimeout(4 * 60_000);
  const run = await runNested([], { EGRESS_OUT: OUT, JOURNEYS_PROJECT: PROJECT }, 'test/egress/nested.config.ts');
  expect(run.exitCode, run.output).toBe(1); // one journey fails on purpose
  tests = readJsonReport(path.join(OUT, 'report.json'));
});

test('a call to a service of the stack passes, before and after the one that reached outside', () => {
  for (const title of ['a call to a service of the stack passes', 'the journey after it is not blamed'])
    expect(byTitle(title).status, byTitle(title).errors.join('\n')).toBe('passed');
});

test('a call to a host outside the stack: refused at DNS, and the journey fails naming the service and the host', () => {
  const outside = byTitle('a call to a host outside the stack');
  expect(outside.status).toBe('failed');
  expect(outside.annotations['failure-category']).toBe('PRODUCT');
  expect(outside.errors.join('\n')).toMatch(
    /\[PRODUCT\] A service reached for a host outside the stack \(x-journeys\.egress: none\): caller tried to reach api\.payments-provider\.example at \d{4}-/,
  );
  // On the timeline too, where it happened.
  expect(outside.attachments.get('journey-timeline.md')).toMatch(
    /egress \| caller looked up api\.payments-provider\.example, outside the stack: refused/,
  );
});

test('the services stay on their own network too; the guard and its network went with the stack', () => {
  const networks = byTitle('caller is on its own network and the guard’s');
  expect(networks.status, networks.errors.join('\n')).toBe('passed');
  expect(projectResources(PROJECT)).toEqual({ containers: [], networks: [], volumes: [] });
});
