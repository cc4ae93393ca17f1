import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runHistoryCommand } from '../history/history-command.ts';
import { formatNightSummary, type NightInputs, summariseNight } from './night-summary.ts';
import { NIGHTLY_HISTORY_WINDOW, type NightlyOptions, nightlyFiles, reportInvocation } from './nightly-plan.ts';
import { runPlaywright } from './playwright-process.ts';

export interface NightlyReportOptions extends NightlyOptions {
  /** How many runs the history table and trends page look back over; default 30. */
  last?: number;
}

/**
 * `journeys nightly report BLOB_DIR`: the shards' blob reports merged into one HTML, JUnit and JSON
 * report (the history reporter records the merged run into SQLite), the history table and trends
 * page, and the night's summary. Everything is written whatever failed; resolves to 1 when the
 * night failed or a step could not do its part, else 0.
 */
export async function runNightlyReport(
  blobDir: string,
  options: NightlyReportOptions,
  io: { log: (line: string) => void; out: (line: string) => void },
): Promise<number> {
  const files = nightlyFiles(options.reports);
  mkdirSync(files.dir, { recursive: true });
  // What an earlier report left here must not pass for tonight's.
  for (const file of [files.results, files.historySummary, files.summary]) rmSync(file, { force: true });
  const problems: string[] = [];

  const blobs = existsSync(blobDir) ? readdirSync(blobDir).filter((name) => name.endsWith('.zip')) : [];
  if (blobs.length === 0) {
    problems.push(`no blob report in ${blobDir}: no shard left one to merge`);
  } else {
    const { args, env, records } = reportInvocation(blobDir, options);
    io.log(
      `merging ${blobs.length} blob report(s): playwright ${args.join(' ')} (run history ${records ? 'recorded by this step' : 'recorded by the shards, read only here'})`,
    );
    const code = await runPlaywright(args, env);
    if (code !== 0) problems.push(`playwright merge-reports exited ${code}`);
  }

  const last = options.last ?? NIGHTLY_HISTORY_WINDOW;
  const table: string[] = [];
  const historyCode = await runHistoryCommand({
    last,
    html: files.historyPage,
    url: options.url,
    out: (line) => {
      table.push(line);
      io.out(line);
    },
    log: io.log,
  });
  writeFileSync(files.historyText, table.length ? `${table.join('\n')}\n` : '');
  if (historyCode === 0) {
    const json: string[] = [];
    await runHistoryCommand({ last, json: true, url: options.url, out: (line) => json.push(line), log: io.log });
    writeFileSync(files.historyJson, `${json.join('\n')}\n`);
  } else {
    problems.push('the run history could not be read: no history table or trends page');
  }

  const report = readJson(files.results) as NightInputs['report'];
  if (!report && blobs.length > 0) problems.push(`the merge wrote no results (${files.results})`);
  const summary = summariseNight({ report, history: readJson(files.historySummary), problems });
  writeFileSync(files.summary, `${JSON.stringify(summary, null, 2)}\n`);
  io.out('');
  for (const line of formatNightSummary(summary, path.relative(process.cwd(), files.summary) || files.summary))
    io.out(line);
  return summary.status === 'passed' ? 0 : 1;
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}
