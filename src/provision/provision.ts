import { JourneysError } from '../errors.ts';
import { registryReachable } from '../stack/registry-probe.ts';
import { assertAptRoot, readOsRelease } from './apt.ts';
import { ensureBaseImage, ensureNodeImage } from './base-images.ts';
import { engineReachable, ensureDaemonRunning, ensureEngineInstalled } from './docker-engine.ts';
import { commandExists } from '../util/run-command.ts';
import { composeVersion, ensureCompose, MIN_COMPOSE_VERSION, versionAtLeast } from './compose-plugin.ts';

export interface ProvisionOptions {
  /** Build the offline base images even when a registry answers (our own tests use them). */
  baseImages?: boolean;
  log: (line: string) => void;
}

/**
 * Makes this machine able to run journeys: engine, Compose v2, a running daemon, and the offline
 * base images when no registry is reachable. Each step checks first, so a ready machine takes
 * about a second and nothing is installed twice.
 */
export async function provision({ baseImages = false, log }: ProvisionOptions): Promise<void> {
  const needsInstall = !(await commandExists('dockerd')) || !(await commandExists('docker'));
  const version = await composeVersion();
  const needsCompose = !version || !versionAtLeast(version, MIN_COMPOSE_VERSION);
  if (needsInstall || needsCompose || !(await engineReachable())) {
    const os = needsInstall || needsCompose ? assertAptRoot('Docker') : readOsRelease();
    if (os && needsInstall) await ensureEngineInstalled(os, log);
    await ensureDaemonRunning(log);
    if (os && needsCompose) await ensureCompose(os, log);
  }
  if (!(await engineReachable())) throw new JourneysError('DOCKER_UNAVAILABLE', 'The Docker engine is still not reachable after provisioning.');
  const offline = !(await registryReachable());
  if (offline) log('no image registry reachable: offline stacks build from the local base images');
  if (offline || baseImages) {
    await ensureBaseImage(log);
    await ensureNodeImage(log);
  }
}
