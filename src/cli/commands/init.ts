import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { JourneysError } from '../../errors.ts';
import { formatFinding, lintStack } from '../../stack/lint.ts';
import { defineStack } from '../../stack/stack-definition.ts';
import type { Command } from '../context.ts';
import { httpPortsOf, journeyTemplate, PLAYWRIGHT_CONFIG, TSCONFIG } from '../init-templates.ts';

const COMPOSE_FILES = ['compose.yaml', 'compose.yml', 'docker-compose.yml', 'docker-compose.yaml'];
const PLAYWRIGHT_CONFIGS = [
  'playwright.config.ts',
  'playwright.config.mts',
  'playwright.config.cts',
  'playwright.config.js',
  'playwright.config.mjs',
  'playwright.config.cjs',
];

/**
 * `journeys init`: checks everything first (a compose file Compose accepts, a package.json, no
 * Playwright config of the user's to overwrite), then writes what is missing and skips what exists.
 */
export const run: Command = async ({ values, log, out }) => {
  const cwd = process.cwd();
  const files = values.file ?? [findComposeFile(cwd)];
  const existingConfig = PLAYWRIGHT_CONFIGS.find((name) => existsSync(path.join(cwd, name)));
  if (existingConfig) {
    throw new JourneysError(
      'USAGE',
      `${path.join(cwd, existingConfig)} exists: journeys init does not rewrite your Playwright config. Nothing was written.`,
      `Fix: add the stack to it yourself:\n\n  import { stackProjects } from 'compose-journeys/config';\n  const stack = stackProjects({ files: [${files.map((file) => `'${file}'`).join(', ')}] });\n  // in defineConfig: projects: [...stack.projects, { name: 'journeys', testDir: './journeys', dependencies: [stack.setup] }]`,
    );
  }
  const packageFile = path.join(cwd, 'package.json');
  if (!existsSync(packageFile)) {
    throw new JourneysError(
      'USAGE',
      `No package.json in ${cwd}. Nothing was written.`,
      'Fix: `npm init -y && npm i -D compose-journeys @playwright/test`, then `npx journeys init` again.',
    );
  }
  // Compose checks the files before anything is written: a broken one stops init here.
  const definition = await defineStack({ files, cwd, offline: false, projectName: 'journeys-init' });
  const findings = lintStack(definition);

  const written: string[] = [];
  const skipped: string[] = [];
  const writeNew = (name: string, text: string) => {
    const file = path.join(cwd, name);
    if (existsSync(file)) return skipped.push(`${name} (exists)`);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
    written.push(name);
  };
  writeNew('playwright.config.ts', PLAYWRIGHT_CONFIG);
  writeNew(path.join('journeys', 'stack.spec.ts'), journeyTemplate(httpPortsOf(definition)));
  writeNew('tsconfig.json', TSCONFIG);
  addStackToPackage(packageFile, files)
    ? written.push('package.json ("journeys.stack")')
    : skipped.push('package.json (already has "journeys.stack")');
  ignoreReports(path.join(cwd, '.gitignore'))
    ? written.push('.gitignore (reports/)')
    : skipped.push('.gitignore (already ignores reports/)');

  for (const name of written) out(`wrote   ${name}`);
  for (const name of skipped) out(`skipped ${name}`);
  if (findings.length > 0) {
    out(
      `\n${findings.length} thing${findings.length === 1 ? '' : 's'} in the compose file make${findings.length === 1 ? 's' : ''} journeys slow, flaky or unsafe:`,
    );
    for (const finding of findings) out(formatFinding(finding));
  }
  log('next: npx playwright test   (the HTML report goes to reports/html)');
  return 0;
};

function findComposeFile(cwd: string): string {
  const found = COMPOSE_FILES.find((name) => existsSync(path.join(cwd, name)));
  if (found) return found;
  throw new JourneysError(
    'USAGE',
    `No compose file in ${cwd} (looked for ${COMPOSE_FILES.join(', ')}). Nothing was written.`,
    'Fix: run `npx journeys init` in the directory of your compose file, or name it: `npx journeys init -f path/to/compose.yml`.',
  );
}

/** Adds `"journeys": { "stack": { "files": [...] } }`, keeping the file's indentation; false when it has one. */
function addStackToPackage(file: string, composeFiles: string[]): boolean {
  const text = readFileSync(file, 'utf8');
  const manifest = JSON.parse(text) as { journeys?: { stack?: unknown } & Record<string, unknown> };
  if (manifest.journeys?.stack) return false;
  manifest.journeys = { ...manifest.journeys, stack: { files: composeFiles } };
  const indent = /^[ \t]+(?=")/m.exec(text)?.[0] ?? '  ';
  writeFileSync(file, `${JSON.stringify(manifest, null, indent)}\n`);
  return true;
}

function ignoreReports(file: string): boolean {
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
  if (/^\/?reports\/?$/m.test(text)) return false;
  appendFileSync(
    file,
    `${text === '' || text.endsWith('\n') ? '' : '\n'}# compose-journeys: HTML report and test results\nreports/\n`,
  );
  return true;
}
