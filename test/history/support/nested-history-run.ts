import { readFileSync } from 'node:fs';
import path from 'node:path';
import { type RunSummary, runSummarySchema } from 'compose-journeys/history';
import { runPlaywright } from '../../support/nested-playwright.ts';

export const REPO = path.resolve(import.meta.dirname, '../../..');
const CONFIG = 'test/history/nested/nested.config.ts';

export interface NestedRun {
  exitCode: number;
  output: string;
  /** The reporter's run summary JSON. */
  summary: () => RunSummary;
  /** Tests of the JSON report: title → last status and annotations. */
  report: () => Map<string, { status: string; annotations: Record<string, string[]> }>;
}

/**
 * `npx playwright test` on the nested config in a child process, as CI runs it. The outer run's
 * variables do not leak in (the nested run names its own stack, database and output).
 */
export function runNested(env: Record<string, string>, args: string[] = [], config = CONFIG): Promise<NestedRun> {
  const out = env.HISTORY_OUT!;
  return runPlaywright(config, args, env, /^(JOURNEYS_|PW_|PLAYWRIGHT_|TEST_|HISTORY_|CI$)/).then(
    ({ exitCode, output }) => ({
      exitCode,
      output,
      summary: () => runSummarySchema.parse(JSON.parse(readFileSync(path.join(out, 'history-summary.json'), 'utf8'))),
      report: () => readReport(path.join(out, 'report.json')),
    }),
  );
}

interface JsonSuite {
  specs?: {
    title: string;
    tests: {
      projectName: string;
      annotations: { type: string; description?: string }[];
      results: { status: string; annotations?: { type: string; description?: string }[] }[];
    }[];
  }[];
  suites?: JsonSuite[];
}

function readReport(file: string): Map<string, { status: string; annotations: Record<string, string[]> }> {
  const report = JSON.parse(readFileSync(file, 'utf8')) as { suites: JsonSuite[] };
  const tests = new Map<string, { status: string; annotations: Record<string, string[]> }>();
  const walk = (suite: JsonSuite): void => {
    for (const spec of suite.specs ?? [])
      for (const t of spec.tests) {
        const last = t.results.at(-1);
        const annotations: Record<string, string[]> = {};
        for (const a of [...t.annotations, ...(last?.annotations ?? [])])
          annotations[a.type] = [...new Set([...(annotations[a.type] ?? []), a.description ?? ''])];
        tests.set(spec.title, { status: last?.status ?? 'notRun', annotations });
      }
    (suite.suites ?? []).forEach(walk);
  };
  report.suites.forEach(walk);
  return tests;
}
