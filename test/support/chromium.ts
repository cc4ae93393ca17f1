// Debian's Chromium, headless, as the tests and the docs' screenshots open pages: no background
// traffic (this machine's network is closed), no sandbox (root), no GPU.
import { type Browser, chromium, type Page } from '@playwright/test';

export const DEBIAN_CHROMIUM = '/usr/bin/chromium';

export function launchDebianChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: DEBIAN_CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/**
 * Keeps a page on this machine: every request but a file:// one is aborted, and recorded. Returns
 * the list the test expects empty (a self-contained report page fetches nothing).
 */
export async function abortRequestsOffMachine(page: Page): Promise<string[]> {
  const requested: string[] = [];
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file:')) return route.continue();
    requested.push(url);
    return route.abort();
  });
  return requested;
}
