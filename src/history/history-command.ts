import { writeCoveragePage } from '../coverage/coverage-page.ts';
import { buildHistoryReport, type HistoryReport } from './history-report.ts';
import { formatIncident } from './incident-text.ts';
import type { JourneyStats } from './journey-stats.ts';
import type { QuarantinePolicy } from './quarantine.ts';
import { formatSampleRate } from './rate-interval.ts';
import { HistoryDatabaseError } from './store/history-database-error.ts';
import { openHistoryStore } from './store/open-history-store.ts';
import { writeTrendsPage } from './trends-page.ts';

export interface HistoryCommandOptions {
  /** How many of the newest runs to look at; default 20. */
  last?: number;
  /** Print the report as JSON (historyReportSchema) instead of a table. */
  json?: boolean;
  /** Also write the trends page into this folder (index.html). */
  html?: string;
  /** The database; default JOURNEYS_HISTORY_URL, then reports/history.sqlite. */
  url?: string;
  /** The reporter's quarantine policy, if it is not the default. */
  quarantine?: Partial<QuarantinePolicy>;
  out: (line: string) => void;
  log: (line: string) => void;
}

export const DEFAULT_HISTORY_WINDOW = 20;

/** `journeys history [--last N] [--json] [--html DIR] [--url URL]`; resolves to the exit code. */
export async function runHistoryCommand(options: HistoryCommandOptions): Promise<number> {
  const window = options.last ?? DEFAULT_HISTORY_WINDOW;
  if (!Number.isInteger(window) || window < 1) {
    options.log(`--last must be a whole number of runs (1 or more), got ${String(options.last)}.`);
    return 2;
  }
  let report: HistoryReport;
  try {
    const store = await openHistoryStore({ url: options.url, access: 'read' });
    try {
      report = await buildHistoryReport(store, {
        window,
        ...(options.quarantine ? { quarantine: options.quarantine } : {}),
      });
    } finally {
      await store.close();
    }
  } catch (error) {
    if (!(error instanceof HistoryDatabaseError)) throw error;
    options.log(error.message);
    return 1;
  }

  if (options.json) options.out(JSON.stringify(report, null, 2));
  else for (const line of formatHistoryReport(report)) options.out(line);
  if (options.html) {
    options.log(`trends page: ${writeTrendsPage(options.html, report)}`);
    if (report.coverage)
      options.log(
        `coverage page: ${writeCoveragePage(options.html, {
          coverage: report.coverage.coverage,
          run: report.coverage,
          change: report.coverage.change,
        })}`,
      );
  }
  return 0;
}

export function formatHistoryReport(report: HistoryReport): string[] {
  const newest = report.runs.at(-1);
  const lines = [
    `${report.runs.length} run(s) from ${report.database}${newest ? `, newest ${newest.startedAt.replace('T', ' ').slice(0, 19)} UTC${newest.gitSha ? ` (${newest.gitSha.slice(0, 7)})` : ''}: ${newest.status}${newest.passedByQuarantine ? ' (by quarantine)' : ''}` : ''}`,
  ];
  if (newest?.infraFailure) lines.push(`  the newest run's stack did not come up: ${newest.infraFailure}`);
  const header = [
    'journey',
    'verdict',
    'pass',
    'flaky',
    'fail',
    'fail rate (95% CI)',
    'n',
    'last failure',
    'failing since',
    'median',
    'p95',
    'trend',
  ];
  const rows = report.journeys.map((j) => journeyRow(j));
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const format = (cells: string[]) =>
    cells
      .map((cell, i) => (i >= 2 && i <= 6 ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  lines.push('', format(header), ...rows.map(format));
  lines.push(...verdictSections(report.journeys));
  if (report.quarantined.length) {
    lines.push('', 'Quarantined (they run and are reported, but their failures do not fail the run):');
    for (const q of report.quarantined)
      lines.push(
        `  ${q.journeyId}: owner ${q.owner}${q.until ? `, until ${q.until}` : ''} — ${q.reason}${q.since ? ` (since ${when(q.since.startedAt)} UTC, run ${q.since.runId})` : ''}`,
      );
  }
  if (report.drift.length) {
    lines.push('', 'Drift in their newest run:');
    for (const d of report.drift) for (const line of d.drift) lines.push(`  ${d.journeyId}: ${line}`);
  }
  if (report.coverage) {
    const { coverage, change } = report.coverage;
    const covered = coverage.items.filter((item) => item.journeys.length > 0).length;
    lines.push(
      '',
      `Coverage of the newest run with one (${report.coverage.runId.slice(0, 8)}): ${covered} of ${coverage.items.length} items touched by a journey; not covered: ${coverage.items.length - covered}.`,
    );
    if (change.since) {
      for (const key of change.gained) lines.push(`  gained: ${key}`);
      for (const key of change.lost) lines.push(`  lost: ${key} (no journey touches it any more)`);
      if (!change.gained.length && !change.lost.length)
        lines.push(`  unchanged since run ${change.since.runId.slice(0, 8)}`);
    }
  }
  if (report.suspects.length) {
    lines.push('', 'Failing in their newest run, and what changed since they last passed (most likely first):');
    for (const s of report.suspects) for (const text of s.suspects) lines.push(`  ${s.journeyId}: suspect: ${text}`);
  }
  return lines;
}

function journeyRow(j: JourneyStats): string[] {
  const d = j.duration;
  const trend =
    d.trend.changePct === undefined
      ? d.trend.direction
      : `${d.trend.direction} ${d.trend.changePct > 0 ? '+' : ''}${d.trend.changePct}%`;
  return [
    `${j.journeyId}${j.quarantine.quarantined ? ' [quarantined]' : ''}${j.drift.length ? ' [drift]' : ''}`,
    j.verdict.kind,
    String(j.passed),
    String(j.flaky),
    String(j.failed),
    j.failureRate.samples ? `${pct(j.failureRate.rate)}% [${pct(j.failureRate.low)}–${pct(j.failureRate.high)}%]` : '–',
    String(j.failureRate.samples),
    j.lastFailure
      ? `${j.lastFailure.category ?? '?'}${j.lastFailure.services.length ? ` (${j.lastFailure.services.join(', ')})` : ''}${j.lastFailure.flaky ? ' flaky' : ''}`
      : '–',
    j.failingSince ? `${j.failingSince.startedAt.replace('T', ' ').slice(0, 16)} (${j.failingSince.runs} runs)` : '–',
    d.medianMs === undefined ? '–' : `${d.medianMs} ms`,
    d.p95Ms === undefined ? '–' : `${d.p95Ms} ms`,
    trend,
  ];
}

const pct = (value: number) => Math.round(value * 100);
const when = (iso: string) => iso.replace('T', ' ').slice(0, 16);
const runText = (run: { runId: string; startedAt: string; gitSha?: string | undefined }) =>
  `run ${run.runId} (${when(run.startedAt)} UTC${run.gitSha ? `, sha ${run.gitSha.slice(0, 7)}` : ''})`;

/** The failures you act on differently, apart: flaky, broken since a run, failing throughout, failed in an incident. */
function verdictSections(journeys: readonly JourneyStats[]): string[] {
  const lines: string[] = [];
  const section = (title: string, entries: string[]) => {
    if (entries.length) lines.push('', title, ...entries.map((entry) => `  ${entry}`));
  };
  section(
    'Flaky (same inputs, different outcomes):',
    journeys
      .filter((j) => j.verdict.kind === 'flaky')
      .map((j) => `${j.journeyId}: fails ${formatSampleRate(j.failureRate)}; ${j.verdict.flakyEvidence.join('; ')}`),
  );
  section(
    'Broken (failing in every run since one in which it passed before):',
    journeys
      .filter((j) => j.verdict.kind === 'broken' && j.verdict.brokenSince)
      .map((j) => {
        const since = j.verdict.brokenSince!;
        return `${j.journeyId}: broken since ${runText(since)}, ${since.runs} run${since.runs === 1 ? '' : 's'}`;
      }),
  );
  section(
    'Failing (in every run recorded; it never passed):',
    journeys
      .filter((j) => j.verdict.kind === 'failing' && j.verdict.brokenSince)
      .map((j) => `${j.journeyId}: failing since its first recorded ${runText(j.verdict.brokenSince!)}`),
  );
  section(
    'Failed in an incident (a service died, restarted, ran out of memory or turned unhealthy: not counted as flaky or broken):',
    journeys.flatMap((j) =>
      j.verdict.incidents.map((i) => `${j.journeyId}: ${runText(i)}: ${formatIncident(i.incident)}`),
    ),
  );
  return lines;
}
