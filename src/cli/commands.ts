import path from 'node:path';
import { doctor, formatCheck } from '../doctor.ts';
import { exitCodeFor, JourneysError } from '../errors.ts';
import { provision } from '../provision/provision.ts';
import { compose } from '../stack/compose-target.ts';
import { describeState, listContainers } from '../stack/container-state.ts';
import { readDefaultStack, readPackageSettings } from '../stack/package-settings.ts';
import { endpointsOf } from '../stack/endpoints.ts';
import { formatFinding, lintStack } from '../stack/lint.ts';
import { listManagedProjects, reap } from '../stack/reap.ts';
import { defineStack, stableProjectName, type StackOptions } from '../stack/stack-definition.ts';
import { DEFAULT_WAIT_TIMEOUT_SECONDS, startStack } from '../stack/start-stack.ts';
import { keepStack } from '../stack/started-stack.ts';
import { removeProjectResources, removeStack } from '../stack/teardown.ts';
import { docker } from '../stack/docker-cli.ts';

export interface CommandContext {
  values: {
    file?: string[];
    'project-name'?: string;
    profile?: string[];
    'env-file'?: string[];
    'wait-timeout'?: string;
    'keep-on-failure'?: boolean;
    offline?: boolean;
    online?: boolean;
    'base-images'?: boolean;
    all?: boolean;
    tail?: string;
    follow?: boolean;
    json?: boolean;
  };
  args: string[];
  log: (line: string) => void;
  out: (line: string) => void;
}

type Command = (context: CommandContext) => Promise<number>;

/** -f/-p/--profile/--env-file, or package.json's default stack; a stable project name for the CLI. */
function stackOptions({ values, log }: CommandContext): StackOptions & { waitTimeoutSeconds?: number } {
  const fromPackage = values.file ? undefined : readDefaultStack();
  const files = values.file ?? fromPackage!.files;
  return {
    files,
    projectName: values['project-name'] ?? stableProjectName(path.resolve(files[0]!)),
    profiles: values.profile ?? fromPackage?.profiles,
    envFiles: values['env-file'] ?? fromPackage?.envFiles,
    offline: values.offline ? true : values.online ? false : 'auto',
    services: fromPackage?.services ?? readPackageSettings().services,
    waitTimeoutSeconds: values['wait-timeout'] ? parseSeconds(values['wait-timeout']) : fromPackage?.waitTimeoutSeconds,
    log,
  };
}

function parseSeconds(text: string): number {
  const seconds = Number(text);
  if (!Number.isInteger(seconds) || seconds <= 0) throw new JourneysError('USAGE', `--wait-timeout must be a whole number of seconds, got "${text}".`);
  return seconds;
}

export const COMMANDS: Record<string, Command> = {
  async doctor({ out }) {
    const checks = await doctor();
    for (const check of checks) out(formatCheck(check));
    return checks.some((check) => check.status === 'fail') ? exitCodeFor('DOCKER_UNAVAILABLE') : 0;
  },

  async provision({ values, log }) {
    const started = Date.now();
    await provision({ baseImages: values['base-images'], log });
    log(`machine ready (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    return 0;
  },

  async up(context) {
    const options = stackOptions(context);
    const definition = await defineStack(options);
    for (const finding of lintStack(definition)) context.log(`warning: ${formatFinding(finding)}`);
    const stack = await startStack(definition, {
      waitTimeoutSeconds: options.waitTimeoutSeconds ?? DEFAULT_WAIT_TIMEOUT_SECONDS,
      keepOnFailure: context.values['keep-on-failure'],
      log: context.log,
    });
    // `journeys up` hands the stack to the user: it must outlive this process, so `reap` leaves it.
    const kept = keepStack(stack.target, 'started by journeys up');
    for (const endpoint of stack.endpoints.all) context.out(`${endpoint.service}:${endpoint.containerPort}\t${endpoint.url}`);
    context.log(`stack ${stack.projectName} is up. Endpoints file: ${stack.stateFile}`);
    context.log(`remove it with: journeys down -p ${stack.projectName}   (or ${kept.commands.at(-1)})`);
    return 0;
  },

  async down(context) {
    if (!context.values.file && context.values['project-name']) {
      await removeProjectResources(context.values['project-name']);
      context.log(`removed ${context.values['project-name']}`);
      return 0;
    }
    const definition = await defineStack(stackOptions(context));
    await removeStack(definition.target);
    context.log(`removed ${definition.target.projectName}`);
    return 0;
  },

  async status({ values, out }) {
    const projects = await listManagedProjects();
    const rows = await Promise.all(projects.map(async (project) => ({ ...project, containers: await listContainers(project.projectName) })));
    if (values.json) {
      out(JSON.stringify(rows.map((row) => ({ ...row, endpoints: endpointsOf(row.containers) })), null, 2));
      return 0;
    }
    if (rows.length === 0) out('no stacks started by compose-journeys on this engine');
    for (const row of rows) {
      out(`${row.projectName}  owner=${row.owner ?? '?'}${row.kept ? '  kept' : ''}`);
      for (const container of row.containers) out(`  ${container.service.padEnd(20)} ${describeState(container)}`);
      for (const endpoint of endpointsOf(row.containers)) out(`  → ${endpoint.service}:${endpoint.containerPort} ${endpoint.url}`);
    }
    return 0;
  },

  async logs(context) {
    const definition = await defineStack(stackOptions(context));
    const args = ['logs', '--timestamps', ...(context.values.tail ? ['--tail', context.values.tail] : []), ...(context.values.follow ? ['--follow'] : []), ...context.args];
    const result = await compose(definition.target, args, { onOutput: (chunk, stream) => (stream === 'stdout' ? process.stdout : process.stderr).write(chunk) });
    return result.exitCode;
  },

  async lint(context) {
    const definition = await defineStack(stackOptions(context));
    const findings = lintStack(definition);
    for (const warning of definition.composeWarnings) context.out(`compose: ${warning}`);
    for (const finding of findings) context.out(formatFinding(finding));
    context.log(findings.length === 0 ? `no findings in ${definition.target.files.map((f) => path.relative(process.cwd(), f)).join(', ')}` : `${findings.length} finding(s)`);
    return findings.length === 0 ? 0 : 1;
  },

  async reap({ values, log }) {
    await docker(['version', '--format', '{{.Server.Version}}']);
    const removed = await reap({ all: values.all });
    log(removed.length === 0 ? 'nothing to reap' : `removed ${removed.join(', ')}`);
    return 0;
  },
};
