import { JourneysError } from '../errors.ts';
import type { Host } from './host.ts';

const PID_FILE = '/var/run/docker.pid';
export const DOCKERD_LOG = '/var/log/compose-journeys-dockerd.log';
const START_TIMEOUT_MS = 60_000;

/** The engine's version when it answers the docker CLI (any DOCKER_HOST or context), else undefined. */
export async function engineVersion(host: Host): Promise<string | undefined> {
  const version = await host.engine.version().catch(() => undefined);
  return version || undefined;
}

/**
 * Starts the local daemon the way this machine can: systemd where it runs, else dockerd in the
 * background (containers and CI runners have no init). A pid file left by a killed dockerd must
 * not block it.
 */
export async function startDaemon(host: Host, log: (line: string) => void): Promise<void> {
  if (await engineVersion(host)) return; // the package's own start script may have started it
  if (host.exists('/run/systemd/system')) {
    log('starting docker with systemctl');
    await host.run('systemctl', ['start', 'docker']);
  } else {
    removeStalePidFile(host, log);
    log(`starting dockerd in the background (log: ${DOCKERD_LOG})`);
    host.spawnDetached('dockerd', [], DOCKERD_LOG);
  }
  for (let waited = 0; waited < START_TIMEOUT_MS; waited += 500) {
    if (await engineVersion(host)) return;
    await host.sleep(500);
  }
  const tail = host.exists(DOCKERD_LOG) ? host.read(DOCKERD_LOG).split('\n').slice(-15).join('\n') : '';
  throw new JourneysError(
    'DOCKER_UNAVAILABLE',
    `The Docker daemon did not come up within ${START_TIMEOUT_MS / 1000} s.`,
    `${tail}\n\nFix: read the dockerd log above; \`dockerd\` in a terminal shows the same.`,
  );
}

function removeStalePidFile(host: Host, log: (line: string) => void): void {
  if (!host.exists(PID_FILE)) return;
  const pid = Number(host.read(PID_FILE).trim());
  if (pid > 0 && host.processAlive(pid)) return; // a live dockerd: leave it alone
  log(`removing stale ${PID_FILE} (pid ${pid} is not running)`);
  host.remove(PID_FILE);
}
