import path from 'node:path';
import type { TestInfo } from '@playwright/test';
import type { TestCase } from '@playwright/test/reporter';

/**
 * A journey's stable id: its file relative to the config's rootDir (with `/`), then its describe
 * titles and title, joined by ` › `. No project, line number or retry in it, so the same journey
 * is the same id on every machine, shard and run, and the reporter (from a TestCase) and a worker
 * fixture (from a TestInfo) compute the same one.
 */
export function journeyId(file: string, titles: readonly string[]): string {
  return [file, ...titles].join(' › ');
}

export function journeyFileOf(rootDir: string, absoluteFile: string): string {
  return path.relative(rootDir, absoluteFile).split(path.sep).join('/');
}

/** In a reporter: titlePath() is ['', project, file, ...describes, title]. */
export function journeyIdOfTestCase(test: TestCase, rootDir: string): string {
  return journeyId(journeyFileOf(rootDir, test.location.file), test.titlePath().slice(3));
}

/** In a worker: titlePath is [file, ...describes, title]. */
export function journeyIdOf(testInfo: Pick<TestInfo, 'file' | 'titlePath' | 'config'>): string {
  return journeyId(journeyFileOf(testInfo.config.rootDir, testInfo.file), testInfo.titlePath.slice(1));
}
