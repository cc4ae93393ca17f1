import type { JSONReport, JSONReportSuite, JSONReportTest } from '@playwright/test/reporter';
import { CATEGORY_ANNOTATION } from '../report/failure-category.ts';

/** A failed test's category when it carries none (a global error, a reporter of another kind). */
export const UNKNOWN_CATEGORY = 'UNKNOWN';

/**
 * What `journeys nightly report` writes to `reports/summary.json`, for a dashboard or a chat
 * message: the night's verdict (what the step's exit code says), Playwright's counts, the flaky
 * and failed tests with each failure's category, and the history reporter's own run summary
 * (`history-summary.json`: quarantine, who enters or leaves it, drift, peaks) as it wrote it.
 */
export interface NightSummary {
  /** `failed` when a journey failed (and no quarantine covers it), or a step could not do its part. */
  status: 'passed' | 'failed';
  /** Playwright's counts of the merged run (JSON reporter), when the merge wrote them. */
  stats?: JSONReport['stats'];
  /** `file › title` of each test that passed on a retry. */
  flaky: string[];
  failed: { test: string; project: string; category: string }[];
  /** How many failed tests per failure category. */
  byCategory: Record<string, number>;
  /** The history reporter's summary of the merged run (`history-summary.json`) as it wrote it, when it did. */
  historySummary?: unknown;
  /** Steps that did not do their part (the merge, the history page), each said once. */
  problems: string[];
}

export interface NightInputs {
  /** The merged run's JSON report, when there is one. */
  report?: Pick<JSONReport, 'suites' | 'stats'> & { errors?: readonly unknown[] };
  /** The history reporter's run summary of the merged run, when there is one. */
  history?: unknown;
  problems?: readonly string[];
}

interface FlatTest extends JSONReportTest {
  title: string;
  file: string;
}

export function summariseNight({ report, history, problems = [] }: NightInputs): NightSummary {
  const tests = report ? report.suites.flatMap(testsOf) : [];
  const failed = tests.filter((t) => t.status === 'unexpected');
  const byCategory: Record<string, number> = {};
  for (const t of failed) byCategory[categoryOf(t)] = (byCategory[categoryOf(t)] ?? 0) + 1;
  return {
    status: verdict(report, history, problems) ? 'passed' : 'failed',
    ...(report ? { stats: report.stats } : {}),
    flaky: tests.filter((t) => t.status === 'flaky').map(nameOf),
    failed: failed.map((t) => ({ test: nameOf(t), project: t.projectName, category: categoryOf(t) })),
    byCategory,
    ...(history === undefined ? {} : { historySummary: history }),
    problems: [...problems],
  };
}

/**
 * The night passed when every step did its part and the history reporter says the run passed (a
 * run whose only failures are quarantined journeys passes); without its summary, when Playwright
 * counted no unexpected result and no error outside a test.
 */
function verdict(report: NightInputs['report'], history: unknown, problems: readonly string[]): boolean {
  if (problems.length > 0 || !report) return false;
  const status = (history as { status?: unknown } | undefined)?.status;
  if (typeof status === 'string') return status === 'passed';
  return report.stats.unexpected === 0 && (report.errors?.length ?? 0) === 0;
}

function testsOf(suite: JSONReportSuite): FlatTest[] {
  return [
    ...suite.specs.flatMap((spec) => spec.tests.map((t) => ({ ...t, title: spec.title, file: spec.file }))),
    ...(suite.suites ?? []).flatMap(testsOf),
  ];
}

const nameOf = (t: FlatTest): string => `${t.file} › ${t.title}`;

/** The failure category the evidence fixtures annotate, on the test or on its last attempt. */
function categoryOf(t: FlatTest): string {
  const annotations = [...t.annotations, ...(t.results.at(-1)?.annotations ?? [])];
  return annotations.find((a) => a.type === CATEGORY_ANNOTATION)?.description ?? UNKNOWN_CATEGORY;
}

/** A few lines for the log: the verdict, the counts, each failure. */
export function formatNightSummary(summary: NightSummary, file: string): string[] {
  const s = summary.stats;
  const counts = s
    ? `${s.expected} passed, ${s.flaky} flaky, ${s.unexpected} failed, ${s.skipped} skipped`
    : 'no merged results';
  const categories = Object.entries(summary.byCategory)
    .map(([category, n]) => `${category} ${n}`)
    .join(', ');
  return [
    `night ${summary.status.toUpperCase()}: ${counts}${categories ? ` (${categories})` : ''}`,
    ...summary.failed.map((f) => `  failed: ${f.test} [${f.project}] ${f.category}`),
    ...summary.flaky.map((name) => `  flaky: ${name}`),
    ...summary.problems.map((problem) => `  problem: ${problem}`),
    `summary: ${file}`,
  ];
}
