import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { REPO } from '../support/cli.ts';

/** Runs `playwright test` on a nested config (default test/report/nested.config.ts) in a child process, as CI would. */
export function runNested(
  args: string[],
  env: Record<string, string>,
  config = 'test/report/nested.config.ts',
): Promise<{ exitCode: number; output: string }> {
  // The outer run's stack variables must not leak in: the nested run names and owns its own stack.
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/^(JOURNEYS_|PW_|PLAYWRIGHT_|TEST_)/.test(name)),
  );
  const child = spawn('npx', ['--no-install', 'playwright', 'test', '--config', config, ...args], {
    cwd: REPO,
    env: { ...clean, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ exitCode: code ?? 1, output })));
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
