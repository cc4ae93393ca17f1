// Every TypeScript block of the README is real: a block marked `<!-- file: path -->` is that file's
// text (or `path#EXPORT`, that export's value), and every other one type-checks against the package.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { REPO } from '../support/cli.ts';

interface Block {
  line: number;
  source: string | undefined;
  code: string;
}

function typescriptBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  const pattern = /(?:<!-- file: (\S+) -->\n)?```ts\n([\s\S]*?)```/g;
  for (const match of markdown.matchAll(pattern)) {
    blocks.push({ line: markdown.slice(0, match.index).split('\n').length, source: match[1], code: match[2]! });
  }
  return blocks;
}

const blocks = typescriptBlocks(readFileSync(path.join(REPO, 'README.md'), 'utf8'));

test('the README has TypeScript blocks to check', () => {
  expect(blocks.length).toBeGreaterThanOrEqual(4);
});

for (const block of blocks.filter((b) => b.source)) {
  test(`README block at line ${block.line} is ${block.source}`, async () => {
    const [file, exported] = block.source!.split('#');
    if (exported) {
      const module = (await import(path.join(REPO, file!))) as Record<string, unknown>;
      expect(module[exported], `${file} exports ${exported}`).toBe(block.code);
    } else {
      expect(readFileSync(path.join(REPO, file!), 'utf8')).toContain(block.code);
    }
  });
}

test('the README blocks of no file type-check against the package', () => {
  test.setTimeout(60_000);
  const free = blocks.filter((b) => !b.source);
  expect(free.length).toBeGreaterThan(0);
  const dir = path.join(REPO, 'reports/readme-check');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const [index, block] of free.entries())
    writeFileSync(path.join(dir, `block-${index}-line-${block.line}.ts`), block.code);
  writeFileSync(
    path.join(dir, 'tsconfig.json'),
    JSON.stringify({ extends: '../../tsconfig.json', include: ['*.ts'], exclude: [] }),
  );
  const tsc = spawnSync(path.join(REPO, 'node_modules/.bin/tsc'), ['--noEmit', '-p', dir], { encoding: 'utf8' });
  expect(tsc.status, `${tsc.stdout}${tsc.stderr}`).toBe(0);
});
