import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CliEngine } from '../engine/cli-engine.ts';
import { resolveEndpoint } from '../engine/endpoint.ts';
import type { Engine } from '../engine/engine.ts';
import { type CommandResult, commandExists, type RunOptions, runCommand } from '../util/run-command.ts';

/**
 * What provisioning and doctor ask of the engine: whether it answers, its Compose, its images. Through
 * the docker CLI (CliEngine), so they see what `docker` itself sees: doctor holds the runner's own
 * way (the API socket) against it.
 */
export type MachineEngine = Pick<
  Engine,
  'endpoint' | 'version' | 'info' | 'composeVersion' | 'registryHas' | 'absentImages' | 'importImage' | 'buildImage'
>;

/**
 * Everything provisioning does to the machine goes through this interface (Docker through its
 * `engine`, src/engine/'s CLI engine): the real one below, and
 * a recording one in the unit tests, which check the order of what would run (sources written
 * before `apt-get update`, `update` before `install`) without touching the machine.
 */
export interface Host {
  readonly platform: NodeJS.Platform;
  readonly env: NodeJS.ProcessEnv;
  /** The engine the docker CLI talks to, asked through the CLI: the only way provisioning talks to Docker. */
  readonly engine: MachineEngine;
  isRoot(): boolean;
  run(file: string, args: readonly string[], options?: RunOptions): Promise<CommandResult>;
  commandExists(file: string): Promise<boolean>;
  exists(file: string): boolean;
  read(file: string): string;
  write(file: string, text: string): void;
  remove(file: string): void;
  processAlive(pid: number): boolean;
  /** Starts a program that outlives us (dockerd without systemd), its output appended to `logFile`. */
  spawnDetached(file: string, args: readonly string[], logFile: string): void;
  sleep(ms: number): Promise<void>;
}

let cliEngine: CliEngine | undefined;

export const realHost: Host = {
  platform: process.platform,
  env: process.env,
  // Resolved on first use: importing provisioning (the CLI's help, doctor's module) must not read the CLI's config.
  get engine() {
    cliEngine ??= new CliEngine(resolveEndpoint(process.env));
    return cliEngine;
  },
  isRoot: () => process.getuid?.() === 0,
  run: runCommand,
  commandExists,
  exists: existsSync,
  read: (file) => readFileSync(file, 'utf8'),
  write: (file, text) => {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
  },
  remove: (file) => rmSync(file, { force: true }),
  processAlive: (pid) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'EPERM'; // alive, someone else's
    }
  },
  spawnDetached: (file, args, logFile) => {
    const out = openSync(logFile, 'a');
    spawn(file, args, { detached: true, stdio: ['ignore', out, out] }).unref();
  },
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** `~/.docker/config.json` (or `$DOCKER_CONFIG/config.json`): where the CLI keeps its current context. */
export function dockerConfigFile(host: Host): string {
  return path.join(host.env.DOCKER_CONFIG ?? path.join(os.homedir(), '.docker'), 'config.json');
}
