import { JourneysError } from '../errors.ts';
import type { Host } from './host.ts';

export interface OsRelease {
  id: string;
  idLike: string[];
  codename: string;
}

export function readOsRelease(host: Host): OsRelease | undefined {
  if (host.platform !== 'linux' || !host.exists('/etc/os-release')) return undefined;
  const fields = Object.fromEntries(
    host
      .read('/etc/os-release')
      .split('\n')
      .filter((line) => line.includes('='))
      .map((line) => {
        const [key, ...rest] = line.split('=');
        return [key, rest.join('=').replace(/^"|"$/g, '')];
      }),
  );
  return {
    id: fields.ID ?? '',
    idLike: (fields.ID_LIKE ?? '').split(' ').filter(Boolean),
    codename: fields.VERSION_CODENAME ?? '',
  };
}

export function isDebianLike(os: OsRelease | undefined): os is OsRelease {
  return (
    !!os && (os.id === 'debian' || os.id === 'ubuntu' || os.idLike.includes('debian') || os.idLike.includes('ubuntu'))
  );
}

/**
 * `apt-get update`, then `apt-get install`. The update runs in every call, after whatever sources
 * the caller added: a list refreshed before a source was added does not know its packages (the
 * first run on a fresh Debian 12 failed exactly that way).
 */
export async function aptInstall(host: Host, packages: readonly string[], log: (line: string) => void): Promise<void> {
  const env = { ...host.env, DEBIAN_FRONTEND: 'noninteractive' };
  log(`apt-get update, then install ${packages.join(' ')}`);
  const update = await host.run('apt-get', ['update'], { env });
  if (update.exitCode !== 0)
    throw new JourneysError('PROVISION_FAILED', 'apt-get update failed.', update.stderr.trim());
  const install = await host.run('apt-get', ['install', '-y', '--no-install-recommends', ...packages], { env });
  if (install.exitCode !== 0) {
    throw new JourneysError(
      'PROVISION_FAILED',
      `apt-get install ${packages.join(' ')} failed.`,
      install.stderr.trim().split('\n').slice(-15).join('\n'),
    );
  }
}
