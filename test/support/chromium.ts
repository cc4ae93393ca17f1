// Debian's Chromium, headless, as the tests and the docs' screenshots open pages: no background
// traffic (this machine's network is closed), no sandbox (root), no GPU.
import { type Browser, chromium } from '@playwright/test';

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
