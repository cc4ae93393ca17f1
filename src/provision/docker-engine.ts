import { spawn } from 'node:child_process';
import { existsSync, openSync, readFileSync, rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { JourneysError } from '../errors.ts';
import { commandExists, runCommand } from '../util/run-command.ts';
import { aptInstall, type OsRelease } from './apt.ts';

const PID_FILE = '/var/run/docker.pid';
export const DOCKERD_LOG = '/var/log/compose-journeys-dockerd.log';

export async function engineReachable(): Promise<boolean> {
  const result = await runCommand('docker', ['info', '--format', '{{.ServerVersion}}'], { timeoutMs: 15_000 }).catch(() => undefined);
  return result?.exitCode === 0 && result.stdout.trim() !== '';
}

export async function ensureEngineInstalled(os: OsRelease, log: (line: string) => void): Promise<void> {
  if ((await commandExists('dockerd')) && (await commandExists('docker'))) return;
  log('installing the Docker engine (docker.io)');
  await aptInstall(os.id === 'ubuntu' ? ['docker.io'] : ['docker.io', 'iptables']);
}

/**
 * Starts the daemon the way this machine can: systemd where it runs, else dockerd in the background
 * (containers and CI runners have no init). A pid file left by a killed dockerd must not block it.
 */
export async function ensureDaemonRunning(log: (line: string) => void): Promise<void> {
  if (await engineReachable()) return;
  if (existsSync('/run/systemd/system')) {
    log('starting docker with systemctl');
    await runCommand('systemctl', ['start', 'docker']);
  } else {
    removeStalePidFile(log);
    log(`starting dockerd in the background (log: ${DOCKERD_LOG})`);
    const out = openSync(DOCKERD_LOG, 'a');
    spawn('dockerd', [], { detached: true, stdio: ['ignore', out, out] }).unref();
  }
  for (let waited = 0; waited < 60_000; waited += 500) {
    if (await engineReachable()) return;
    await sleep(500);
  }
  const tail = existsSync(DOCKERD_LOG) ? readFileSync(DOCKERD_LOG, 'utf8').split('\n').slice(-15).join('\n') : '';
  throw new JourneysError('DOCKER_UNAVAILABLE', 'The Docker daemon did not come up within 60 s.', `${tail}\n\nFix: read the dockerd log above; \`dockerd\` in a terminal shows the same.`);
}

function removeStalePidFile(log: (line: string) => void): void {
  if (!existsSync(PID_FILE)) return;
  const pid = Number(readFileSync(PID_FILE, 'utf8').trim());
  try {
    if (pid > 0) {
      process.kill(pid, 0);
      return; // a live dockerd: leave it alone
    }
  } catch {
    // ESRCH: the process is gone, the file is stale
  }
  log(`removing stale ${PID_FILE} (pid ${pid} is not running)`);
  rmSync(PID_FILE, { force: true });
}
