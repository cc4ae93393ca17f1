import { buildHistoryReport, type HistoryReport } from './history-report.ts';
import type { JourneyStats } from './journey-stats.ts';
import type { QuarantinePolicy } from './quarantine.ts';
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
  if (options.html) options.log(`trends page: ${writeTrendsPage(options.html, report)}`);
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
    'pass',
    'flaky',
    'fail',
    'flake',
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
      .map((cell, i) => (i >= 1 && i <= 4 ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  lines.push('', format(header), ...rows.map(format));
  if (report.quarantined.length) {
    lines.push('', 'Quarantined (they run and are reported, but their failures do not fail the run):');
    for (const q of report.quarantined) lines.push(`  ${q.journeyId}: ${q.reason}`);
  }
  if (report.drift.length) {
    lines.push('', 'Drift in their newest run:');
    for (const d of report.drift) for (const line of d.drift) lines.push(`  ${d.journeyId}: ${line}`);
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
    String(j.passed),
    String(j.flaky),
    String(j.failed),
    `${Math.round(j.flakeRate * 100)}%`,
    j.lastFailure
      ? `${j.lastFailure.category ?? '?'}${j.lastFailure.services.length ? ` (${j.lastFailure.services.join(', ')})` : ''}${j.lastFailure.flaky ? ' flaky' : ''}`
      : '–',
    j.failingSince ? `${j.failingSince.startedAt.replace('T', ' ').slice(0, 16)} (${j.failingSince.runs} runs)` : '–',
    d.medianMs === undefined ? '–' : `${d.medianMs} ms`,
    d.p95Ms === undefined ? '–' : `${d.p95Ms} ms`,
    trend,
  ];
}
