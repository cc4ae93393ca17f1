// What `journeys --help` and `journeys <command> --help` print: plain text and the list of variables
// (which imports nothing heavy), so help costs a Node start and nothing more.
import { VARIABLES } from '../run/environment.ts';

const STACK = `Stack selection (as in docker compose; default: "journeys.stack" in package.json):
  -f, --file FILE          compose file, repeatable (base first, then overrides)
  -p, --project-name NAME  project name (default: journeys-<directory of the first file>)
      --profile NAME       enable a profile, repeatable
      --env-file FILE      env file for interpolation, repeatable
      --offline/--online   force the offline override on or off (default: offline when no registry answers)`;

const COMMAND_HELP = {
  init: `journeys init [-f FILE]
  Sets up journeys in a repo that has a compose file (compose.yaml, compose.yml, docker-compose.yml,
  docker-compose.yaml, or -f): writes playwright.config.ts (the stack's setup and teardown projects,
  a journeys project, the HTML report in reports/html), journeys/stack.spec.ts (one journey that
  checks every published HTTP port answers), tsconfig.json when there is none, "journeys.stack" in
  package.json, and reports/ in .gitignore; then lints the stack and prints each finding with its fix.
  Never overwrites a file: what exists is skipped and said so. Stops, writing nothing, when there is
  no compose file, when Compose rejects it, or when a Playwright config exists already (the message
  says what to add to it). Then: npx playwright test`,
  doctor:
    'journeys doctor\n  Checks the Docker engine, Compose v2, free disk and image registry; prints each problem with its fix.',
  provision:
    'journeys provision [--base-images]\n  When the Docker engine does not answer and this is Debian/Ubuntu as root: installs Docker Engine and\n  Compose v2 and starts the daemon; anywhere else says what is missing. Installs nothing when `docker info`\n  answers. Builds the offline base images when no registry is reachable (always with --base-images). Idempotent.',
  up: `journeys up [options]\n  Starts the stack, waits until every service is healthy (one-shots: exited 0), prints the endpoints.\n  The stack stays up until \`journeys down\`. Stacks of dead runs are reaped and the files linted alongside.\n  With JOURNEYS_REUSE=1 an unchanged running stack is used as is.\n      --wait-timeout SECONDS   default 120\n      --keep-on-failure        keep a stack that failed to start\n\n${STACK}`,
  down: `journeys down [options]\n  Removes the project's containers, networks and volumes by their labels (no graceful stop: test data\n  is throwaway). Reads no compose file: only the project name (-p, or from the first file) matters.\n\n${STACK}`,
  status:
    "journeys status [--json]\n  Lists the stacks compose-journeys started on this engine, with each service's state and endpoints.",
  logs: `journeys logs [SERVICE...] [--tail N] [--follow]\n  Shows the stack's logs with timestamps.\n\n${STACK}`,
  lint: `journeys lint\n  Checks the resolved config for what makes journeys flaky: missing healthchecks, depends_on without\n  condition, unawaited one-shots, ports not on 127.0.0.1 or fixed, unpinned images, the version: key.\n\n${STACK}`,
  reap: `journeys reap [--all | --other-owners] [-p PROJECT]
  Removes stacks left by runs that died: their owner process (pid and start time) is provably gone,
  and nobody kept them. Never a stack whose run is alive, whatever the flag.
      --all            every stack YOU (this login, this machine) started whose run is over, including
                       those kept on purpose (journeys up, JOURNEYS_REUSE=1, JOURNEYS_KEEP=1)
      --other-owners   also stacks of other users and machines, whose owner cannot be checked;
                       prints each one with its owner before removing it
      -p PROJECT       only this project (same rules)`,
  history: `journeys history [--last N] [--json] [--html DIR] [--url URL]
  Per journey over the last N runs (default 20) of the run history: passed / flaky / failed, flake rate,
  last failure category, the run its current failure streak began, median and p95 duration and their
  trend; quarantined journeys and why; message and response shapes that drifted.
      --json        the same for machines
      --html DIR    also write the trends page (charts, opens offline) to DIR/index.html
      --url URL     the database: a SQLite file or postgres:// URL (default JOURNEYS_HISTORY_URL,
                    then reports/history.sqlite)`,
  nightly: `journeys nightly shard CURRENT/TOTAL | report BLOB_DIR [options]
  What a nightly CI workflow runs: one shard per job, then one report job (docs/history.md#ci).
  journeys nightly shard CURRENT/TOTAL [-- PLAYWRIGHT ARGS]
    playwright test --shard=CURRENT/TOTAL --retries=2 (unless ARGS give --retries) with the blob, list
    and history reporters; the blob report goes to PLAYWRIGHT_BLOB_OUTPUT_DIR (default blob-report).
    Exits as Playwright did. The projects and test folders are your config's; ARGS (after --) go to
    playwright test as they are (e.g. -- --grep @nightly journeys/checkout).
  journeys nightly report BLOB_DIR
    playwright merge-reports of the blob reports in BLOB_DIR into DIR/html, DIR/junit.xml and
    DIR/results.json, then the history table (DIR/history.txt, .json), the trends page (DIR/history/)
    and the night's summary (DIR/summary.json: counts, flaky, failures by category, and the history
    reporter's DIR/history-summary.json). Exits 1 when the night failed, after writing everything.
  Run history: into PostgreSQL every shard records its own run; into SQLite (a file CI restores and
  saves) the shards only read it and the report step records the merged run.
      -c, --config FILE   Playwright's config, for both steps (merge-reports needs the same one)
      --reports DIR       where the reports and summaries go (default reports)
      --url URL           the history database (default JOURNEYS_HISTORY_URL, then reports/history.sqlite)
      --last N            report: runs the history table and trends page look back over (default 30)`,
} as const;

/** The variables you may set, from their one list: `JOURNEYS_KEEP=1   keep the stack…`. */
function environmentHelp(): string {
  const yours = Object.values(VARIABLES).filter((variable) => variable.setBy === 'user');
  const usage = yours.map((variable) => `${variable.name}=${variable.value}`);
  const width = Math.max(...usage.map((text) => text.length)) + 2;
  return yours.map((variable, index) => `  ${usage[index]!.padEnd(width)}${variable.meaning}`).join('\n');
}

export type CommandName = keyof typeof COMMAND_HELP;
export const COMMAND_NAMES = Object.keys(COMMAND_HELP) as CommandName[];

export function HELP(command?: string): string {
  if (command && command in COMMAND_HELP) return `${COMMAND_HELP[command as CommandName]}\n`;
  return `journeys: end-to-end journeys across a Docker Compose stack

Usage: journeys <command> [options]

Commands:
${Object.values(COMMAND_HELP)
  .map((text) => `  ${text.split('\n')[0]}`)
  .join('\n')}

Start in your repo: npx journeys init, then npx playwright test

Environment (docs/environment.md):
${environmentHelp()}

\`journeys <command> --help\` shows a command's options.
`;
}
