// Incidents on a real stack (test/stacks/incident): a service dies under the run, outside any fault a
// journey injected. Reported: the journeys that fail in it name one incident, and its evidence is
// attached once. Healed (onIncident: 'heal'): the runner restarts the service, the journeys after the
// heal pass, and the history does not count the one that passed on its retry as flaky.
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { historyReportSchema, openHistoryStore, runHistoryCommand, runSummarySchema } from 'compose-journeys/history';
import { attemptsIn, runNested } from './nested-run.ts';

interface Attempt {
  status: string;
  annotations?: { type: string; description?: string }[];
  attachments: { name: string; body?: string }[];
}

const attemptsOf = (out: string, title: string) => attemptsIn<Attempt>(path.join(out, 'report.json'), title);

const incidentOf = (attempt: Attempt | undefined) =>
  attempt?.annotations?.find((a) => a.type === 'incident')?.description;
const INCIDENT = /^crashy died at (\S+) \(exit 3\): incident crashy@\1; /;

async function night(name: string, env: Record<string, string>) {
  const out = path.resolve(`reports/incidents-${name}`);
  rmSync(out, { recursive: true, force: true });
  const run = await runNested(['--retries=1'], {
    REPORT_OUT: out,
    REPORT_JOURNEYS: 'incident',
    REPORT_STACK: 'test/stacks/incident/compose.yml',
    JOURNEYS_PROJECT: `jt-incident-${name}-${process.pid}`,
    REPORT_HISTORY: '1',
    JOURNEYS_HISTORY_URL: path.join(out, 'history.sqlite'),
    ...env,
  });
  const summary = () =>
    runSummarySchema.parse(JSON.parse(readFileSync(path.join(out, 'history-summary.json'), 'utf8')));
  return { ...run, out, summary };
}

test('reported: every journey that fails while the service is down names the same incident; its evidence is attached once', async () => {
  test.setTimeout(300_000);
  const run = await night('report', {});
  expect(run.exitCode, run.output).toBe(1);
  expect(attemptsOf(run.out, '1 the request that crashes crashy later').map((a) => a.status)).toEqual(['passed']);
  const second = attemptsOf(run.out, '2 a journey after the crash');
  const third = attemptsOf(run.out, '3 a journey after the crash');
  for (const attempt of [...second, ...third]) expect(attempt.status).toBe('failed');
  const opened = incidentOf(second[0]);
  expect(opened).toMatch(INCIDENT);
  expect(opened).toMatch(/; its evidence is attached to this journey$/);
  const id = /incident (\S+);/.exec(opened!)![1];
  for (const attempt of [...second.slice(1), ...third])
    expect(incidentOf(attempt)).toBe(
      `${opened!.split('; ')[0]}; its evidence is attached to "2-after.journey.ts › 2 a journey after the crash"`,
    );
  // The service's last words once: on the journey that opened the incident, not on every journey after it.
  const evidence = second[0]!.attachments.find((a) => a.name === 'incident-crashy.log');
  expect(evidence?.body && Buffer.from(evidence.body, 'base64').toString()).toContain(
    'fatal: out of widgets, exiting 3',
  );
  for (const attempt of [...second.slice(1), ...third])
    expect(attempt.attachments.map((a) => a.name)).not.toContain('incident-crashy.log');

  const { incidents } = run.summary();
  expect(incidents).toHaveLength(1);
  expect(incidents[0]).toMatchObject({
    id,
    service: 'crashy',
    kind: 'died',
    exitCode: 3,
    journeys: ['2-after.journey.ts › 2 a journey after the crash', '3-after.journey.ts › 3 a journey after the crash'],
  });
  expect(run.output).toContain(`incident: crashy died at `);
});

test("healed (onIncident: 'heal'): the service is restarted, the journeys after the heal pass, and the history does not call them flaky", async () => {
  test.setTimeout(300_000);
  const run = await night('heal', { REPORT_ON_INCIDENT: 'heal' });
  expect(run.exitCode, run.output).toBe(0);
  const second = attemptsOf(run.out, '2 a journey after the crash');
  expect(second.map((a) => a.status)).toEqual(['failed', 'passed']);
  expect(incidentOf(second[0])).toMatch(
    /^crashy died at \S+ \(exit 3\): incident \S+; its evidence is attached to this journey; healed: crashy restarted, the stack ready again [\d.]+ s later$/,
  );
  expect(attemptsOf(run.out, '3 a journey after the crash').map((a) => a.status)).toEqual(['passed']);

  const summary = run.summary();
  expect(summary.counts).toMatchObject({ passed: 3, flaky: 0, failed: 0 });
  expect(summary.incidents).toHaveLength(1);
  expect(summary.incidents[0]?.journeys).toEqual(['2-after.journey.ts › 2 a journey after the crash']);

  const store = await openHistoryStore({ url: path.join(run.out, 'history.sqlite'), access: 'read' });
  try {
    const results = await store.journeyResults({ perJourney: 1 });
    const healed = results.find((r) => r.journeyId === '2-after.journey.ts › 2 a journey after the crash');
    expect(healed).toMatchObject({
      status: 'passed',
      flaky: true,
      incident: { service: 'crashy', kind: 'died', exitCode: 3 },
    });
  } finally {
    await store.close();
  }
  // `journeys history`: failed in an incident, not a flake.
  const lines: string[] = [];
  expect(
    await runHistoryCommand({
      url: path.join(run.out, 'history.sqlite'),
      json: true,
      out: (l) => lines.push(l),
      log: () => {},
    }),
  ).toBe(0);
  const stats = historyReportSchema
    .parse(JSON.parse(lines.join('\n')))
    .journeys.find((j) => j.journeyId === '2-after.journey.ts › 2 a journey after the crash');
  expect(stats).toMatchObject({ flaky: 0, inIncident: 1 });
  expect(stats?.verdict.kind).not.toBe('flaky');
});
