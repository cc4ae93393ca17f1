// The docs are real. Every TypeScript block of README.md and docs/*.md is either a file's text (a
// block marked `<!-- file: path -->`; `path#EXPORT` for that export's value) or type-checks against
// the package; every relative link points to a file (and heading) that exists; and the JOURNEYS_*
// variables of src/run/environment.ts, docs/environment.md and `journeys --help` agree both ways.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { COMMAND_NAMES, HELP } from '../../src/cli/help.ts';
import { VARIABLES } from '../../src/run/environment.ts';
import { REPO } from '../support/cli.ts';

interface Block {
  doc: string;
  line: number;
  source: string | undefined;
  code: string;
}

const DOCS = [
  'README.md',
  ...readdirSync(path.join(REPO, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => `docs/${name}`),
];
const text = new Map(DOCS.map((doc) => [doc, readFileSync(path.join(REPO, doc), 'utf8')]));

const lineOf = (markdown: string, index: number) => markdown.slice(0, index).split('\n').length;

function typescriptBlocks(doc: string, markdown: string): Block[] {
  const pattern = /(?:<!-- file: (\S+) -->\n)?```ts\n([\s\S]*?)```/g;
  return [...markdown.matchAll(pattern)].map((match) => ({
    doc,
    line: lineOf(markdown, match.index),
    source: match[1],
    code: match[2]!,
  }));
}

const blocks = DOCS.flatMap((doc) => typescriptBlocks(doc, text.get(doc)!));

test('the docs have TypeScript blocks to check, and every one is seen', () => {
  expect(blocks.filter((b) => b.doc === 'README.md').length).toBeGreaterThanOrEqual(2);
  expect(blocks.length).toBeGreaterThanOrEqual(10);
  // A block this check does not see (indented, or fenced as `typescript`/`tsx`) would go unchecked.
  for (const [doc, markdown] of text) {
    const fences = [...markdown.matchAll(/^[ \t]*```(ts|typescript|tsx)\b.*$/gm)];
    const unchecked = fences.filter((fence) => fence[0] !== '```ts');
    expect(
      unchecked.map((fence) => `${doc}:${lineOf(markdown, fence.index)} ${fence[0].trim()}`),
      'TypeScript fences must be a bare ```ts at the start of a line',
    ).toEqual([]);
  }
});

for (const block of blocks.filter((b) => b.source)) {
  test(`${block.doc} block at line ${block.line} is ${block.source}`, async () => {
    const [file, exported] = block.source!.split('#');
    if (exported) {
      const module = (await import(path.join(REPO, file!))) as Record<string, unknown>;
      expect(module[exported], `${file} exports ${exported}`).toBe(block.code);
    } else {
      expect(readFileSync(path.join(REPO, file!), 'utf8')).toContain(block.code);
    }
  });
}

test('the doc blocks of no file type-check against the package', () => {
  test.setTimeout(90_000);
  const free = blocks.filter((b) => !b.source);
  expect(free.length).toBeGreaterThan(0);
  const dir = path.join(REPO, 'reports/docs-check');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const block of free) {
    const name = `${block.doc.replace(/[/.]/g, '-')}-line-${block.line}.ts`;
    writeFileSync(path.join(dir, name), block.code);
  }
  writeFileSync(
    path.join(dir, 'tsconfig.json'),
    JSON.stringify({ extends: '../../tsconfig.json', include: ['*.ts'], exclude: [] }),
  );
  const tsc = spawnSync(path.join(REPO, 'node_modules/.bin/tsc'), ['--noEmit', '-p', dir], { encoding: 'utf8' });
  expect(tsc.status, `${tsc.stdout}${tsc.stderr}`).toBe(0);
});

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  const withoutCode = markdown.replace(/^```[\s\S]*?^```/gm, '');
  for (const [, heading] of withoutCode.matchAll(/^#{1,6}[ \t]+(.+?)[ \t]*#*[ \t]*$/gm)) {
    const base = heading!
      .replace(/<[^>]+>/g, '')
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/ /g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  return anchors;
}

test('every relative link in the docs points to a file (and heading) that exists', () => {
  const broken: string[] = [];
  for (const [doc, markdown] of text) {
    // Code (fenced, then inline) blanked out, keeping positions: `[a](b)` in code is not a link.
    const prose = markdown
      .replace(/^```[\s\S]*?^```/gm, (code) => code.replace(/[^\n]/g, ' '))
      .replace(/`[^`\n]*`/g, (code) => ' '.repeat(code.length));
    for (const match of prose.matchAll(/!?\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
      const target = match[1]!;
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // http:, https:, mailto:
      const [file, anchor] = target.split('#') as [string, string | undefined];
      const resolved = file === '' ? path.join(REPO, doc) : path.resolve(path.dirname(path.join(REPO, doc)), file);
      const where = `${doc}:${lineOf(markdown, match.index)} ${target}`;
      if (!resolved.startsWith(`${REPO}${path.sep}`) || !existsSync(resolved)) {
        broken.push(`${where}: no such file`);
        continue;
      }
      if (anchor && resolved.endsWith('.md') && statSync(resolved).isFile()) {
        const markdownThere = readFileSync(resolved, 'utf8');
        if (!anchorsOf(markdownThere).has(anchor)) broken.push(`${where}: no heading #${anchor}`);
      }
    }
  }
  expect(broken).toEqual([]);
});

/** Every source file the package runs: what a JOURNEYS_* variable can be read from. */
function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(REPO, dir), { withFileTypes: true }).flatMap((entry) => {
    const relative = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(relative);
    return /\.(ts|js|mjs)$/.test(entry.name) ? [relative] : [];
  });
}

const ENVIRONMENT_MODULE = 'src/run/environment.ts';
const listed = Object.values(VARIABLES);
const names = (setBy?: 'user' | 'runner'): string[] =>
  listed
    .filter((variable) => !setBy || variable.setBy === setBy)
    .map((variable) => variable.name)
    .sort();
const namedIn = (text: string) => new Set([...text.matchAll(/JOURNEYS_[A-Z_]*[A-Z]/g)].map((match) => match[0]));

test('the variables are listed once, each name once, and only that module touches them', () => {
  expect(new Set(names()).size, 'a name listed twice').toBe(listed.length);
  const outside: string[] = [];
  for (const file of ['src', 'fixtures', 'bin'].flatMap(sourceFiles)) {
    const source = readFileSync(path.join(REPO, file), 'utf8');
    for (const name of namedIn(source)) if (!names().includes(name)) outside.push(`${file} names ${name}`);
    if (file !== ENVIRONMENT_MODULE && /process\.env(\.JOURNEYS_|\[)|\benv\.JOURNEYS_/.test(source))
      outside.push(`${file} reads or writes process.env.JOURNEYS_* itself`);
  }
  expect(outside, `every JOURNEYS_* variable is in ${ENVIRONMENT_MODULE}, and read or written through it`).toEqual([]);
});

test('docs/environment.md documents exactly the listed variables, in the section of whoever sets them', () => {
  const page = text.get('docs/environment.md')!;
  const runnerSection = page.indexOf('\n## Set by the runner');
  expect(runnerSection).toBeGreaterThan(0);
  // A variable is documented by a table row that starts with it; prose may name it anywhere.
  const rows = [...page.matchAll(/^\| `(JOURNEYS_[A-Z_]*[A-Z])/gm)];
  const documented = (inRunnerSection: boolean) =>
    rows
      .filter((row) => row.index > runnerSection === inRunnerSection)
      .map((row) => row[1]!)
      .sort();
  expect(documented(false), 'your variables: listed, and documented above "Set by the runner"').toEqual(names('user'));
  expect(documented(true), 'the runner\'s variables: listed, and documented under "Set by the runner"').toEqual(
    names('runner'),
  );
  const unknown = [...text].flatMap(([doc, markdown]) =>
    [...namedIn(markdown)].filter((name) => !names().includes(name)).map((name) => `${doc}: ${name}`),
  );
  expect(unknown, 'named in the docs, but not a variable').toEqual([]);
});

test('journeys --help lists every variable you may set, and names no other', () => {
  const general = HELP();
  const everything = [general, ...COMMAND_NAMES.map((command) => HELP(command))].join('\n');
  expect(names('user').filter((name) => !general.includes(`${name}=`))).toEqual([]);
  expect([...namedIn(everything)].filter((name) => !names('user').includes(name)).sort()).toEqual([]);
});
