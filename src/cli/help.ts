const STACK = `Stack selection (as in docker compose; default: "journeys.stack" in package.json):
  -f, --file FILE          compose file, repeatable (base first, then overrides)
  -p, --project-name NAME  project name (default: journeys-<directory of the first file>)
      --profile NAME       enable a profile, repeatable
      --env-file FILE      env file for interpolation, repeatable
      --offline/--online   force the offline override on or off (default: offline when no registry answers)`;

const COMMAND_HELP: Record<string, string> = {
  doctor: 'journeys doctor\n  Checks the Docker engine, Compose v2, free disk and image registry; prints each problem with its fix.',
  provision: 'journeys provision [--base-images]\n  Debian/Ubuntu as root: installs the Docker engine and Compose v2, starts the daemon, and builds the\n  offline base images when no registry is reachable (always with --base-images). Idempotent.',
  up: `journeys up [options]\n  Starts the stack, waits until every service is healthy (one-shots: exited 0), prints the endpoints.\n  The stack stays up until \`journeys down\`.\n      --wait-timeout SECONDS   default 120\n      --keep-on-failure        keep a stack that failed to start\n\n${STACK}`,
  down: `journeys down [options]\n  Removes the stack's containers, networks and volumes (no graceful stop: test data is throwaway).\n\n${STACK}`,
  status: 'journeys status [--json]\n  Lists the stacks compose-journeys started on this engine, with each service\'s state and endpoints.',
  logs: `journeys logs [SERVICE...] [--tail N] [--follow]\n  Shows the stack's logs with timestamps.\n\n${STACK}`,
  lint: `journeys lint\n  Checks the resolved config for what makes journeys flaky: missing healthchecks, depends_on without\n  condition, unawaited one-shots, ports not on 127.0.0.1 or fixed, unpinned images, the version: key.\n\n${STACK}`,
  reap: 'journeys reap [--all]\n  Removes stacks left by runs that died (their owner process is gone). --all removes every stack we started.',
};

export function HELP(command?: string): string {
  if (command && COMMAND_HELP[command]) return `${COMMAND_HELP[command]}\n`;
  return `journeys: end-to-end journeys across a Docker Compose stack

Usage: journeys <command> [options]

Commands:
${Object.values(COMMAND_HELP).map((text) => `  ${text.split('\n')[0]}`).join('\n')}

Run journeys with Playwright: npx playwright test journeys/
Environment: JOURNEYS_REUSE=1 reuse an unchanged running stack; JOURNEYS_KEEP=1 keep the stack after the run;
JOURNEYS_OFFLINE=1/0 force the offline override on/off.

\`journeys <command> --help\` shows a command's options.
`;
}
