import { readFileSync } from 'node:fs';
import type { TestResult } from '@playwright/test/reporter';

/** An attachment's text, as a reporter meets it: an inline body in a live run, a file once merge-reports wrote it. */
export function attachmentText(attachment: TestResult['attachments'][number]): string {
  return attachment.body
    ? attachment.body.toString('utf8')
    : attachment.path
      ? readFileSync(attachment.path, 'utf8')
      : '';
}
