import { JourneysError } from '../errors.ts';
import type { OsRelease } from './apt.ts';
import type { Host } from './host.ts';

/** What `docker` needs on this machine and does not have. */
export interface MissingParts {
  /** dockerd (and with it containerd, runc, buildx) */
  engine: boolean;
  /** the docker CLI */
  cli: boolean;
  /** the Compose v2 plugin (missing, or older than we need) */
  compose: boolean;
}

export const TRIXIE_SOURCE = '/etc/apt/sources.list.d/compose-journeys-trixie.sources';
export const TRIXIE_PIN = '/etc/apt/preferences.d/compose-journeys-trixie';

/**
 * The apt packages that provide what is missing.
 * - Debian 12: Engine 26.1 and Compose 2.26 from Debian 13, named one by one as `pkg/trixie` so
 *   their dependencies come from bookworm where bookworm has them (`-t trixie` would upgrade libc).
 *   Engine >= 25 is what makes healthchecks' `start_interval` work: stacks probe fast while they
 *   start and rarely once healthy (bookworm's 20.10 probes at `interval` forever).
 * - Debian 13 and later: the same packages from the release itself.
 * - Ubuntu: docker.io (which carries the CLI) and the Compose v2 package.
 */
export function enginePackages(os: OsRelease, missing: MissingParts): { packages: string[]; needsTrixie: boolean } {
  const want = (part: boolean, ...packages: string[]) => (part ? packages : []);
  if (os.id === 'ubuntu' || (os.id !== 'debian' && os.idLike.includes('ubuntu'))) {
    return {
      needsTrixie: false,
      packages: [
        ...want(missing.engine || missing.cli, 'docker.io', 'docker-buildx'),
        ...want(missing.compose, 'docker-compose-v2'),
      ],
    };
  }
  if (os.codename === 'bookworm') {
    const packages = [
      ...want(missing.engine, 'docker.io/trixie', 'docker-buildx/trixie', 'iptables'),
      ...want(missing.cli, 'docker-cli/trixie'),
      ...want(missing.compose, 'docker-compose/trixie'),
    ];
    return { needsTrixie: packages.length > 0, packages };
  }
  if (['buster', 'bullseye'].includes(os.codename)) {
    throw new JourneysError(
      'PROVISION_FAILED',
      `Debian ${os.codename} is too old to provision: its Docker has no Compose v2.`,
      "Fix: install Docker Engine and the Compose v2 plugin from Docker's own repository, or use Debian 12 or later.",
    );
  }
  return {
    needsTrixie: false,
    packages: [
      ...want(missing.engine, 'docker.io', 'docker-buildx', 'iptables'),
      ...want(missing.cli, 'docker-cli'),
      ...want(missing.compose, 'docker-compose'),
    ],
  };
}

/**
 * Adds Debian 13 from the mirror this machine already uses, pinned at 100 so that nothing else is
 * ever upgraded from it. We never name a mirror ourselves.
 */
export function addTrixieSource(host: Host): void {
  if (host.exists(TRIXIE_SOURCE)) return;
  const mirror = configuredDebianMirror(host);
  host.write(
    TRIXIE_SOURCE,
    `Types: deb\nURIs: ${mirror}\nSuites: trixie\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n`,
  );
  host.write(TRIXIE_PIN, 'Package: *\nPin: release n=trixie\nPin-Priority: 100\n');
}

function configuredDebianMirror(host: Host): string {
  for (const file of ['/etc/apt/sources.list.d/debian.sources', '/etc/apt/sources.list']) {
    if (!host.exists(file)) continue;
    const text = host.read(file);
    for (const match of text.matchAll(/^URIs:\s*(\S+)/gm))
      if (match[1] && !match[1].includes('security')) return match[1];
    const oneLine = text.match(/^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+bookworm\s/m);
    if (oneLine?.[1]) return oneLine[1];
  }
  throw new JourneysError(
    'PROVISION_FAILED',
    'Cannot find the Debian mirror this machine uses (no URIs in /etc/apt/sources.list.d/debian.sources or /etc/apt/sources.list).',
    'Fix: install Docker Engine >= 25 and the Compose v2 plugin by hand, then run `npx journeys doctor`.',
  );
}
