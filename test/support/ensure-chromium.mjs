// The runner's own tests open pages (the history's trends page) in Debian's Chromium, which
// `npx playwright install` cannot fetch here. On Debian/Ubuntu as root it is installed from the
// apt sources the machine already has; anywhere else this says how to get it.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const CHROMIUM = '/usr/bin/chromium';
if (!existsSync(CHROMIUM)) {
  const apt = existsSync('/usr/bin/apt-get') && process.getuid?.() === 0;
  if (!apt) {
    process.stderr.write(
      `${CHROMIUM} is missing: install Debian's or Ubuntu's chromium package (apt-get install chromium) to run the trends-page test.\n`,
    );
    process.exit(1);
  }
  process.stderr.write('[test setup] installing chromium from the configured apt sources\n');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-q'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-q', '--no-install-recommends', 'chromium'], { stdio: 'inherit', env });
}
