import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Project, ReporterDescription } from '@playwright/test';
import { handOverReusedAtConfig, handOverStackOptions, readVariable } from '../run/environment.ts';
import { claimRun, runProjectName } from '../run/run-identity.ts';
import { keptWhateverHappens, runMode } from '../run/run-mode.ts';
import { readDefaultStack, readPackageSettings } from '../stack/package-settings.ts';
import type { RoleOverrides } from '../stack/service-roles.ts';
import { reuseAtConfigLoad } from './reuse-at-config.ts';

export interface StackProjectsOptions {
  /** Compose files; default: "journeys.stack" in package.json. */
  files?: string[];
  profiles?: string[];
  envFiles?: string[];
  waitTimeoutSeconds?: number;
  /** Services by role where detection is not enough, e.g. `{ rabbitmq: 'broker' }` (default: package.json's "journeys.services"). */
  services?: RoleOverrides;
}

const HERE = path.dirname(fileURLToPath(import.meta.url));

export interface StackProjects {
  /** The `stack` setup project and its `stack teardown`: put them in `projects`. */
  projects: Project[];
  /** The name of the setup project: what the journeys' project lists in `dependencies`. */
  setup: string;
  /** The recommended reporters: the run history (flaky journeys, quarantine, trends, drift). Add them to `reporter`. */
  reporters: ReporterDescription[];
}

/**
 * The two Playwright projects that bring the stack up before the journeys and down after them, so
 * the start (with its diagnosis when it fails) and the teardown show in the report like any test.
 * Runs in the runner process: the decisions made here (run mode, project name, owner) reach every
 * worker through the environment, so workers agree on one stack and never start one themselves.
 */
export function stackProjects(options: StackProjectsOptions = {}): StackProjects {
  const fromPackage = options.files ? undefined : readDefaultStack();
  const stack = {
    files: (options.files ?? fromPackage!.files).map((file) => path.resolve(file)),
    profiles: options.profiles ?? fromPackage?.profiles ?? [],
    envFiles: (options.envFiles ?? fromPackage?.envFiles ?? []).map((file) => path.resolve(file)),
    waitTimeoutSeconds: options.waitTimeoutSeconds ?? fromPackage?.waitTimeoutSeconds,
    services: options.services ?? fromPackage?.services ?? readPackageSettings().services,
  };
  // The run's mode is decided here, once: the setup and teardown steps get it with the stack.
  const mode = runMode();
  handOverStackOptions(JSON.stringify({ ...stack, mode }));
  // The runner owns the run (pid + start time); workers inherit it. Nothing here touches Docker,
  // but the JOURNEYS_REUSE=1 check (one `docker ps`, in the runner only).
  claimRun();
  runProjectName(stack.files[0]!, mode);
  // By file: Playwright resolves reporter names from the config's directory, where a package's own name does not resolve.
  const reporters: ReporterDescription[] = [[path.join(HERE, '../history/reporter.js')]];
  if (mode.reuse && reusedAsItRuns(stack)) {
    // Nothing to set up: the project stays (journeys name it in `dependencies`) but has no test.
    return { setup: 'stack', reporters, projects: [{ name: 'stack', testDir: HERE, testMatch: /(?!)/ }] };
  }
  // A stack kept whatever happens is handed over when it is ready (the setup step says how to look
  // at it): a teardown project would only cost a worker start.
  if (keptWhateverHappens(mode)) {
    return {
      setup: 'stack',
      reporters,
      projects: [{ name: 'stack', testDir: HERE, testMatch: /stack\.setup\.[jt]s$/, retries: 0 }],
    };
  }
  return {
    setup: 'stack',
    reporters,
    projects: [
      { name: 'stack', testDir: HERE, testMatch: /stack\.setup\.[jt]s$/, teardown: 'stack teardown', retries: 0 },
      { name: 'stack teardown', testDir: HERE, testMatch: /stack\.teardown\.[jt]s$/, retries: 0 },
    ],
  };
}

/**
 * Decided once, by the runner (workers load the config too, and inherit its answer): see
 * reuse-at-config.ts. `--list` and the like only look.
 */
function reusedAsItRuns(stack: Parameters<typeof reuseAtConfigLoad>[0]): boolean {
  const inWorker = process.env.TEST_WORKER_INDEX !== undefined;
  if (!inWorker && readVariable('reusedAtConfig') === undefined && !process.argv.includes('--list')) {
    const reused = reuseAtConfigLoad(stack, readVariable('project')!, (line) =>
      process.stderr.write(`[journeys] ${line}\n`),
    );
    handOverReusedAtConfig(reused);
  }
  return readVariable('reusedAtConfig') ?? false;
}
