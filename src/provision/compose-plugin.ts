import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { JourneysError } from '../errors.ts';
import { runCommand } from '../util/run-command.ts';
import { aptInstall, type OsRelease } from './apt.ts';

export const MIN_COMPOSE_VERSION = '2.20.0';

export async function composeVersion(): Promise<string | undefined> {
  const result = await runCommand('docker', ['compose', 'version', '--short']).catch(() => undefined);
  return result?.exitCode === 0 ? result.stdout.trim().replace(/^v/, '') : undefined;
}

export function versionAtLeast(version: string, minimum: string): boolean {
  const parse = (v: string) => v.split(/[.+-]/).slice(0, 3).map((part) => Number.parseInt(part, 10) || 0);
  const [a, b] = [parse(version), parse(minimum)];
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i]! > b[i]!;
  return true;
}

const TRIXIE_SOURCE = '/etc/apt/sources.list.d/compose-journeys-trixie.sources';
const TRIXIE_PIN = '/etc/apt/preferences.d/compose-journeys-trixie';

/**
 * Debian 12 ships only Compose v1; Debian 13's `docker-compose` package is Compose v2 as a static
 * plugin binary. We add trixie from the mirror this machine already uses, pinned low so that nothing
 * else is upgraded from it, and install just that package.
 */
export async function installComposePlugin(os: OsRelease): Promise<void> {
  if (os.id === 'ubuntu') return aptInstall(['docker-compose-v2']);
  if (os.codename !== 'bookworm') return aptInstall(['docker-compose']);
  if (!existsSync(TRIXIE_SOURCE)) {
    const mirror = configuredDebianMirror();
    writeFileSync(TRIXIE_SOURCE, `Types: deb\nURIs: ${mirror}\nSuites: trixie\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n`);
    writeFileSync(TRIXIE_PIN, 'Package: *\nPin: release n=trixie\nPin-Priority: 100\n');
  }
  await aptInstall(['docker-compose'], ['-t', 'trixie']);
}

/** The Debian mirror already configured here: we never name one ourselves. */
function configuredDebianMirror(): string {
  for (const file of ['/etc/apt/sources.list.d/debian.sources', '/etc/apt/sources.list']) {
    if (!existsSync(file)) continue;
    const text = readFileSync(file, 'utf8');
    const deb822 = text.match(/^URIs:\s*(\S+)/m);
    if (deb822?.[1] && !deb822[1].includes('security')) return deb822[1];
    const oneLine = text.match(/^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+bookworm\s/m);
    if (oneLine?.[1]) return oneLine[1];
  }
  throw new JourneysError('PROVISION_FAILED', 'Cannot find the Debian mirror this machine uses (no URIs in /etc/apt/sources.list.d/debian.sources or /etc/apt/sources.list).', 'Fix: install the Compose v2 plugin by hand into /usr/libexec/docker/cli-plugins/.');
}

export async function ensureCompose(os: OsRelease, log: (line: string) => void): Promise<void> {
  const version = await composeVersion();
  if (version && versionAtLeast(version, MIN_COMPOSE_VERSION)) return;
  log(version ? `Compose ${version} is older than ${MIN_COMPOSE_VERSION}: installing a newer one` : 'installing the Compose v2 plugin');
  await installComposePlugin(os);
  const installed = await composeVersion();
  if (!installed || !versionAtLeast(installed, MIN_COMPOSE_VERSION)) {
    throw new JourneysError('PROVISION_FAILED', `Compose v2 >= ${MIN_COMPOSE_VERSION} is still missing after installing it (found ${installed ?? 'none'}).`, 'Fix: install the docker-compose-plugin package from Docker\'s own repository.');
  }
}
