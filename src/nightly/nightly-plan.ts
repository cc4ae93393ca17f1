import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { JourneysError } from '../errors.ts';
import { HistoryDatabaseError } from '../history/store/history-database-error.ts';
import { historyLocation } from '../history/store/open-history-store.ts';
import { historyHandOver, readVariable } from '../run/environment.ts';

/**
 * What `journeys nightly` runs, decided without running anything: the Playwright command lines and
 * variables of its two steps, and where everything goes. One rule decides who records the run
 * history: into PostgreSQL every shard records its own run (they all reach the one database); into
 * SQLite, a file each CI job restores from a cache, the shards only read it (quarantine) and the
 * report step records the merged run once, in the copy that is saved.
 */
export interface NightlyOptions {
  /** Playwright's config (`--config`); default: Playwright's own lookup. */
  config?: string;
  /** Where the report step writes, and the shards their history summaries; default `reports`. */
  reports?: string;
  /** The history database; default JOURNEYS_HISTORY_URL, then reports/history.sqlite. */
  url?: string;
}

export interface Shard {
  current: number;
  total: number;
}

export interface PlaywrightInvocation {
  args: string[];
  env: Record<string, string>;
  /** Whether this step records its run into the history (else it only reads it). */
  records: boolean;
}

export const DEFAULT_REPORTS_DIR = 'reports';
/** Where a shard's blob report goes unless PLAYWRIGHT_BLOB_OUTPUT_DIR says (the workflow uploads it). */
export const DEFAULT_BLOB_DIR = 'blob-report';
/** A journey that passes on a retry is flaky, not hidden: unless the arguments given say otherwise. */
export const NIGHTLY_RETRIES = 2;
/** How many nights the history table and the trends page look back over. */
export const NIGHTLY_HISTORY_WINDOW = 30;

/** The history reporter of this package, by file: Playwright resolves `--reporter` from the working directory. */
export const HISTORY_REPORTER = path.join(path.dirname(fileURLToPath(import.meta.url)), '../history/reporter.js');

/** What the report step writes, under the reports folder. */
export function nightlyFiles(reports = DEFAULT_REPORTS_DIR) {
  const dir = path.resolve(reports);
  return {
    dir,
    html: path.join(dir, 'html'),
    junit: path.join(dir, 'junit.xml'),
    results: path.join(dir, 'results.json'),
    historySummary: path.join(dir, 'history-summary.json'),
    historyPage: path.join(dir, 'history'),
    historyText: path.join(dir, 'history.txt'),
    historyJson: path.join(dir, 'history.json'),
    summary: path.join(dir, 'summary.json'),
  };
}

/** `2/3` → the second of three shards. */
export function parseShard(text: string | undefined): Shard {
  const match = /^(\d+)\/(\d+)$/.exec(text ?? '');
  const current = Number(match?.[1]);
  const total = Number(match?.[2]);
  if (!match || current < 1 || total < 1 || current > total)
    throw new JourneysError(
      'USAGE',
      `journeys nightly shard wants the shard as CURRENT/TOTAL (e.g. 2/3, as Playwright's --shard), got "${text ?? ''}".`,
    );
  return { current, total };
}

/** Where the history is: PostgreSQL (every shard records) or a SQLite file (the report step records). */
export function historyKind(url: string | undefined = readVariable('historyUrl')): 'postgres' | 'sqlite' {
  try {
    return historyLocation(url).kind;
  } catch (error) {
    if (error instanceof HistoryDatabaseError) throw new JourneysError('USAGE', error.message);
    throw error;
  }
}

/** `playwright test --shard=…` with the blob, list and history reporters. */
export function shardInvocation(
  shard: Shard,
  playwrightArgs: readonly string[],
  options: NightlyOptions,
  env: Readonly<Record<string, string | undefined>> = process.env,
): PlaywrightInvocation {
  const retries = playwrightArgs.some((arg) => arg === '--retries' || arg.startsWith('--retries='));
  const summaryFile = path.join(
    nightlyFiles(options.reports).dir,
    `history-summary-${shard.current}of${shard.total}.json`,
  );
  const records = historyKind(options.url) === 'postgres';
  return {
    args: [
      'test',
      ...(options.config ? ['--config', options.config] : []),
      `--shard=${shard.current}/${shard.total}`,
      `--reporter=blob,list,${HISTORY_REPORTER}`,
      ...(retries ? [] : [`--retries=${NIGHTLY_RETRIES}`]),
      ...playwrightArgs,
    ],
    env: {
      PLAYWRIGHT_BLOB_OUTPUT_DIR: env.PLAYWRIGHT_BLOB_OUTPUT_DIR || DEFAULT_BLOB_DIR,
      ...historyHandOver({ url: options.url, record: records, summaryFile }),
    },
    records,
  };
}

/** `playwright merge-reports` into HTML, JUnit and JSON, with the history reporter. */
export function reportInvocation(blobDir: string, options: NightlyOptions): PlaywrightInvocation {
  const files = nightlyFiles(options.reports);
  const records = historyKind(options.url) === 'sqlite';
  return {
    args: [
      'merge-reports',
      ...(options.config ? ['--config', options.config] : []),
      '--reporter',
      `html,junit,json,${HISTORY_REPORTER}`,
      blobDir,
    ],
    env: {
      PLAYWRIGHT_HTML_OUTPUT_DIR: files.html,
      PLAYWRIGHT_HTML_OPEN: 'never',
      PLAYWRIGHT_JUNIT_OUTPUT_FILE: files.junit,
      PLAYWRIGHT_JSON_OUTPUT_FILE: files.results,
      ...historyHandOver({ url: options.url, record: records, summaryFile: files.historySummary }),
    },
    records,
  };
}
