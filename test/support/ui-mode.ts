// Playwright's UI mode as a user opens it (`npx playwright test --ui`), served on loopback instead of
// a window, and looked at in Debian's Chromium: which tests the sidebar shows before any filter is touched.
import { spawn } from 'node:child_process';
import { launchDebianChromium } from './chromium.ts';

export interface UiModeView {
  /** The project filter's summary line ("Projects: journeys"). */
  projects: string;
  /** The test titles the sidebar lists, in order (files expanded as UI mode opens them). */
  tests: string[];
}

export async function openUiMode(cwd: string): Promise<UiModeView> {
  // As the user's shell has it: nothing of this test run's own Playwright or stack leaks in.
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/^(JOURNEYS_|PW_|PLAYWRIGHT_|TEST_)/.test(name)),
  );
  const server = spawn('npx', ['--no-install', 'playwright', 'test', '--ui-host=127.0.0.1', '--ui-port=0'], {
    cwd,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`UI mode did not start in 60 s:\n${output}`)), 60_000);
      const read = (chunk: Buffer) => {
        output += chunk.toString();
        const found = /Listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
        if (found) {
          clearTimeout(timer);
          resolve(found[1]!);
        }
      };
      server.stdout.on('data', read);
      server.stderr.on('data', read);
      server.on('exit', (code) => reject(new Error(`UI mode exited (${code}) before listening:\n${output}`)));
    });
    const browser = await launchDebianChromium();
    try {
      const page = await browser.newPage();
      await page.goto(url);
      const items = page.locator('[role=treeitem] .ui-mode-tree-item-title');
      // The tree fills in once the config is loaded and the tests are listed.
      await items.first().waitFor({ timeout: 60_000 });
      await page.waitForLoadState('networkidle');
      const filters = await page.locator('.filters').innerText();
      const titles = await items.allInnerTexts();
      return { projects: /Projects:\s*(.+)/.exec(filters)?.[1]?.trim() ?? filters, tests: titles };
    } finally {
      await browser.close();
    }
  } finally {
    if (server.pid !== undefined && server.exitCode === null) process.kill(-server.pid, 'SIGTERM');
  }
}
