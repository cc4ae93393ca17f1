// Screenshot of a failed journey in the Playwright HTML report, for the README's "Failure review".
// Usage: npx tsx docs/screenshot-report.ts [reportDir] [test title] [out.png]
// (reportDir: an HTML report, e.g. reports/failure-review/html after `test/report/failure-review.spec.ts`)
// Debian's chromium (`apt-get install -y chromium`): Playwright's own browser download is not needed.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { launchDebianChromium } from '../test/support/chromium.ts';

const [
  reportDir = 'reports/failure-review/html',
  title = 'a quote is never negative',
  out = 'docs/failed-journey-report.png',
] = process.argv.slice(2);

const browser = await launchDebianChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(pathToFileURL(path.resolve(reportDir, 'index.html')).href);
  await page.getByText(title, { exact: true }).first().click();
  await page.getByText('failure-category').first().waitFor();
  // Open the timeline so the picture shows the journey, not just a list of names.
  await page.getByText('journey-timeline.md').first().click();
  await page.screenshot({ path: out, fullPage: true });
  process.stdout.write(`${out}\n`);
} finally {
  await browser.close();
}
