import { readFileSync } from 'node:fs';
import { runPlaywright } from '../support/nested-playwright.ts';

/** Runs `playwright test` on a nested config (default test/report/nested.config.ts) in a child process, as CI would. */
export function runNested(
  args: string[],
  env: Record<string, string>,
  config = 'test/report/nested.config.ts',
): Promise<{ exitCode: number; output: string }> {
  return runPlaywright(config, args, env);
}

export interface ReportedTest {
  title: string;
  project: string;
  status: string;
  annotations: Record<string, string>;
  /** Attachment name → its text (inline body or file). */
  attachments: Map<string, string>;
  /** The last attempt's error messages and stacks, as the report shows them. */
  errors: string[];
}

interface JsonSuite {
  specs?: {
    title: string;
    tests: {
      projectName: string;
      annotations: { type: string; description?: string }[];
      results: {
        status: string;
        annotations?: { type: string; description?: string }[];
        attachments: { name: string; body?: string; path?: string }[];
        errors?: { message?: string; stack?: string }[];
      }[];
    }[];
  }[];
  suites?: JsonSuite[];
}

/** The reported test whose title starts with `title`; a missing one fails, listing the titles there are. */
export function reportedTest(tests: readonly ReportedTest[], title: string): ReportedTest {
  const found = tests.find((t) => t.title.startsWith(title));
  if (!found) throw new Error(`no test "${title}…" in the nested report: ${tests.map((t) => t.title).join(' | ')}`);
  return found;
}

/** Every test of a JSON report (last attempt), with its annotations and attachments' text. */
export function readJsonReport(file: string): ReportedTest[] {
  const report = JSON.parse(readFileSync(file, 'utf8')) as { suites: JsonSuite[] };
  const walk = (suite: JsonSuite): ReportedTest[] => [
    ...(suite.specs ?? []).flatMap((spec) =>
      spec.tests.flatMap((test) => {
        const result = test.results.at(-1);
        if (!result) return []; // did not run
        return {
          title: spec.title,
          project: test.projectName,
          status: result.status,
          annotations: Object.fromEntries(
            [...test.annotations, ...(result.annotations ?? [])].map((a) => [a.type, a.description ?? '']),
          ),
          attachments: new Map(
            result.attachments.map((a) => [
              a.name,
              a.body !== undefined
                ? Buffer.from(a.body, 'base64').toString('utf8')
                : a.path
                  ? readFileSync(a.path, 'utf8')
                  : '',
            ]),
          ),
          errors: (result.errors ?? []).flatMap((error) => [error.message ?? '', error.stack ?? '']),
        };
      }),
    ),
    ...(suite.suites ?? []).flatMap(walk),
  ];
  return report.suites.flatMap(walk);
}

/** One test's attempts, oldest first, from a nested run's JSON report (`title`: the test's own title). */
export function attemptsIn<A>(reportFile: string, title: string): A[] {
  interface Suite {
    specs?: { title: string; tests: { results: A[] }[] }[];
    suites?: Suite[];
  }
  const report = JSON.parse(readFileSync(reportFile, 'utf8')) as { suites: Suite[] };
  const specs = (suite: Suite): NonNullable<Suite['specs']> => [
    ...(suite.specs ?? []),
    ...(suite.suites ?? []).flatMap(specs),
  ];
  const spec = report.suites.flatMap(specs).find((s) => s.title === title);
  if (!spec) throw new Error(`no test "${title}" in the nested report`);
  return spec.tests[0]!.results;
}
