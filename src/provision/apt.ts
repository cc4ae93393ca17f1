import { readFileSync } from 'node:fs';
import { JourneysError } from '../errors.ts';
import { runCommand } from '../util/run-command.ts';

export interface OsRelease {
  id: string;
  idLike: string[];
  codename: string;
}

export function readOsRelease(): OsRelease | undefined {
  try {
    const fields = Object.fromEntries(
      readFileSync('/etc/os-release', 'utf8').split('\n').filter((line) => line.includes('=')).map((line) => {
        const [key, ...rest] = line.split('=');
        return [key, rest.join('=').replace(/^"|"$/g, '')];
      }),
    );
    return { id: fields.ID ?? '', idLike: (fields.ID_LIKE ?? '').split(' ').filter(Boolean), codename: fields.VERSION_CODENAME ?? '' };
  } catch {
    return undefined;
  }
}

/** Provisioning only knows apt on Debian and its derivatives, as root. */
export function assertAptRoot(what: string): OsRelease {
  const os = readOsRelease();
  const debianLike = os && (os.id === 'debian' || os.id === 'ubuntu' || os.idLike.includes('debian'));
  if (!debianLike) throw new JourneysError('PROVISION_FAILED', `Cannot install ${what} here: provisioning supports Debian and Ubuntu only.`, 'Fix: install Docker Engine and the Compose v2 plugin by hand, then run `npx journeys doctor`.');
  if (process.getuid?.() !== 0) throw new JourneysError('PROVISION_FAILED', `Installing ${what} needs root.`, 'Fix: run `sudo npx journeys provision`.');
  return os;
}

let updated = false;

/** `apt-get update` once per provisioning run, then install; failures quote apt's own words. */
export async function aptInstall(packages: string[], extraArgs: string[] = []): Promise<void> {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if (!updated) {
    const update = await runCommand('apt-get', ['update'], { env });
    if (update.exitCode !== 0) throw new JourneysError('PROVISION_FAILED', 'apt-get update failed.', update.stderr.trim());
    updated = true;
  }
  const install = await runCommand('apt-get', ['install', '-y', '--no-install-recommends', ...extraArgs, ...packages], { env });
  if (install.exitCode !== 0) throw new JourneysError('PROVISION_FAILED', `apt-get install ${packages.join(' ')} failed.`, install.stderr.trim().split('\n').slice(-15).join('\n'));
}
