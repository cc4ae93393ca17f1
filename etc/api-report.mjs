// The public API reports (etc/api/<entry>.api.md), one per entry point of package.json "exports",
// written by API Extractor from the built declarations in dist/.
//
//   npm run api:check    fails, showing the diff, when an entry point's surface differs from its report
//   npm run api:update   builds, then rewrites the reports: commit them with the change that moved them
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { CompilerState, Extractor, ExtractorConfig } from '@microsoft/api-extractor';

const update = process.argv.includes('--update');
const root = path.resolve(import.meta.dirname, '..');
const configFile = path.join(root, 'etc/api-extractor.json');
const packageJsonFullPath = path.join(root, 'package.json');
const { exports } = JSON.parse(readFileSync(packageJsonFullPath, 'utf8'));

/** `.` → compose-journeys.api.md, `./history-reporter` → history-reporter.api.md. */
const entries = Object.entries(exports)
  .filter(([, target]) => typeof target === 'object' && target.types)
  .map(([subpath, target]) => ({
    report: subpath === '.' ? 'compose-journeys' : subpath.slice(2),
    types: path.join(root, target.types),
  }));

// A report of stale declarations would say nothing about the sources: tsc rewrites every file of dist/.
const built = Math.min(...entries.map((entry) => statSync(entry.types, { throwIfNoEntry: false })?.mtimeMs ?? 0));
const edited = Math.max(
  ...['src', 'fixtures'].flatMap((dir) =>
    readdirSync(path.join(root, dir), { recursive: true })
      .filter((file) => file.endsWith('.ts'))
      .map((file) => statSync(path.join(root, dir, file)).mtimeMs),
  ),
);
if (edited > built) {
  console.error('dist/ is missing or older than src/ and fixtures/: run `npm run build` first.');
  process.exit(1);
}

const base = ExtractorConfig.loadFile(configFile);
const configs = entries.map((entry) =>
  ExtractorConfig.prepare({
    configObject: {
      ...base,
      mainEntryPointFilePath: entry.types,
      apiReport: { ...base.apiReport, reportFileName: entry.report },
    },
    configObjectFullPath: configFile,
    packageJsonFullPath,
  }),
);
// One TypeScript program for all the entry points.
const compilerState = CompilerState.create(configs[0], { additionalEntryPoints: entries.map((entry) => entry.types) });

// Said once: the bundled compiler's version (the first entry point's preamble). Said in our words, below:
// "copy the file from the temp folder, or perform a local build".
const quiet = new Set(['console-api-report-not-copied']);
const changed = [];
const failed = [];
for (const [index, config] of configs.entries()) {
  const report = `etc/api/${entries[index].report}.api.md`;
  const result = Extractor.invoke(config, {
    localBuild: update,
    compilerState,
    printApiReportDiff: true,
    messageCallback: (message) => {
      if (quiet.has(message.messageId) || (index > 0 && message.messageId === 'console-preamble'))
        message.handled = true;
    },
  });
  if (result.apiReportChanged) changed.push(report);
  else if (!result.succeeded) failed.push(report);
}

if (changed.length > 0 && !update) {
  console.error(
    `\nThe public API differs from ${changed.join(', ')} (diff above: - the report, + the build).\n` +
      'If the change is intended, run `npm run api:update` and commit the reports with it; otherwise fix the exports.',
  );
  process.exit(1);
}
if (failed.length > 0) {
  console.error(`\nAPI Extractor failed on ${failed.join(', ')} (messages above).`);
  process.exit(1);
}
console.log(
  changed.length > 0
    ? `Updated ${changed.join(', ')}: commit them with the change.`
    : `The ${entries.length} API reports in etc/api/ match the built entry points.`,
);
