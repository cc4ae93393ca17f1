import { doctor, formatCheck } from '../doctor.ts';
import { JourneysError } from '../errors.ts';
import { registryReachable } from '../stack/registry-probe.ts';
import { aptInstall, isDebianLike, readOsRelease } from './apt.ts';
import { ensureBaseImage, ensureNodeImage } from './base-images.ts';
import { composeUsable } from './compose-plugin.ts';
import { engineVersion, startDaemon } from './docker-engine.ts';
import { engineEndpoint } from './engine-endpoint.ts';
import { addTrixieSource, enginePackages, type MissingParts } from './engine-packages.ts';
import { type Host, realHost } from './host.ts';

export interface ProvisionOptions {
  /** Build the offline base images even when a registry answers (our own tests use them). */
  baseImages?: boolean;
  log: (line: string) => void;
  host?: Host;
}

/**
 * Makes this machine able to run journeys. When `docker info` answers (any DOCKER_HOST, context,
 * Docker Desktop, Colima, rootless) nothing is installed or started: Compose is checked, and the
 * offline base images are built when no registry answers. Only when the engine does not answer,
 * is this machine's default one, and the machine is Debian/Ubuntu as root, is Docker installed
 * and started; anywhere else the doctor's findings say what is missing and how to fix it.
 */
export async function provision({ baseImages = false, log, host = realHost }: ProvisionOptions): Promise<void> {
  if (!(await engineVersion(host))) await bringUpLocalEngine(host, log);
  if (!(await composeUsable(host)))
    throw await withFindings(
      host,
      'Docker answers, but Compose v2 is missing or too old.',
      'Docker here is managed by you, so compose-journeys installs nothing into it.',
    );
  if (
    baseImages ||
    // Provisioning asks through its Host (the machine it may be installing the engine on).
    !(await registryReachable(host.engine))
  ) {
    if (!baseImages) log('no image registry reachable: offline stacks build from the local base images');
    await ensureBaseImage(host, log);
    await ensureNodeImage(host, log);
  }
}

async function bringUpLocalEngine(host: Host, log: (line: string) => void): Promise<void> {
  const endpoint = engineEndpoint(host);
  if (!endpoint.local) {
    throw await withFindings(
      host,
      `The Docker engine of ${endpoint.description} does not answer.`,
      "compose-journeys never installs or starts anything for an engine that is not this machine's default one: start it yourself.",
    );
  }
  const missing: MissingParts = {
    engine: !(await host.commandExists('dockerd')),
    cli: !(await host.commandExists('docker')),
    compose: !(await composeUsable(host)),
  };
  if (missing.engine || missing.cli || missing.compose) {
    const os = readOsRelease(host);
    if (!isDebianLike(os))
      throw await withFindings(
        host,
        'Docker is not installed.',
        'compose-journeys installs Docker only on Debian and Ubuntu: install Docker Engine (or Docker Desktop, Colima) yourself.',
      );
    if (!host.isRoot())
      throw await withFindings(
        host,
        'Docker is not installed.',
        'Installing it needs root: run `sudo npx journeys provision`.',
      );
    const plan = enginePackages(os, missing);
    if (plan.needsTrixie) addTrixieSource(host);
    await aptInstall(host, plan.packages, log); // refreshes the lists after the source above was added
  }
  await startDaemon(host, log);
}

async function withFindings(host: Host, headline: string, why: string): Promise<JourneysError> {
  const checks = await doctor(host);
  return new JourneysError('DOCKER_UNAVAILABLE', headline, `${why}\n\n${checks.map(formatCheck).join('\n')}`);
}
