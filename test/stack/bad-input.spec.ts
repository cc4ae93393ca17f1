import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { exitCodeFor } from 'compose-journeys/stack';
import { journeys, stackFile } from '../support/cli.ts';
import { resourceCount } from '../support/docker-resources.ts';
import { holdStack, runEnv } from '../support/holders.ts';

/** Each bad input: a clear message naming the file/service/field, a non-zero exit, nothing started. */
const cases: { name: string; file: string; expect: RegExp[]; code?: Parameters<typeof exitCodeFor>[0] }[] = [
  {
    name: 'missing compose file',
    file: 'bad/does-not-exist.yml',
    expect: [/Compose file not found: .*bad\/does-not-exist\.yml/, /-f\/--file/],
  },
  { name: 'YAML syntax error', file: 'bad/yaml-syntax.yml', expect: [/yaml-syntax\.yml/, /yaml: line \d+/] },
  {
    name: 'unknown service in depends_on',
    file: 'bad/unknown-dependency.yml',
    expect: [/service "api" depends on undefined service "databse"/],
  },
  {
    name: 'dependency cycle',
    file: 'bad/cycle.yml',
    expect: [/dependency cycle detected: (orders|payments) -> (payments|orders)/],
  },
  { name: 'invalid config value', file: 'bad/invalid-value.yml', expect: [/invalid-value\.yml/, /interval/] },
  {
    // Compose quotes only `xyz`: the message names the service, the spec and its file.
    name: 'a port spec that is no port',
    file: 'bad/port-spec.yml',
    expect: [/Invalid containerPort: xyz \(service web, ports\[1\] "abc:xyz" in .*port-spec\.yml\)/],
  },
  {
    name: 'an image that is nowhere',
    file: 'bad/missing-image.yml',
    code: 'STACK_STARTUP' as const, // a registry that is down looks the same
    expect: [/The image journeys-test\/no-such-image:never \(service web\) is not on this machine/],
  },
];

for (const bad of cases) {
  test(`bad input: ${bad.name}`, async () => {
    const projectName = `jt-bad-${Math.random().toString(36).slice(2, 7)}`;
    const run = await journeys(['up', '-f', stackFile(bad.file), '-p', projectName, '--wait-timeout', '10']);
    const code = bad.code ?? 'CONFIG_INVALID';
    expect(run.exitCode).toBe(exitCodeFor(code));
    expect(run.stderr).toContain(`[${code}]`);
    for (const pattern of bad.expect) expect(run.stderr).toMatch(pattern);
    expect(run.stderr).toMatch(/Fix: /);
    expect(resourceCount(projectName)).toBe(0);
  });
}

test('bad input: Docker daemon down', async () => {
  const run = await journeys(['up', '-f', stackFile('ordering/compose.yml'), '-p', 'jt-nodaemon'], {
    DOCKER_HOST: 'unix:///tmp/journeys-no-such-docker.sock',
  });
  expect(run.exitCode).toBe(exitCodeFor('DOCKER_UNAVAILABLE'));
  expect(run.stderr).toContain('[DOCKER_UNAVAILABLE] The Docker engine is not reachable.');
  // DOCKER_HOST is the user's own setting: the fix points at it, and never at installing anything.
  expect(run.stderr).toMatch(
    /Fix: start the engine at unix:\/\/\/tmp\/journeys-no-such-docker\.sock, or point DOCKER_HOST/,
  );
  expect(run.stderr).not.toContain('provision');
});

test('bad input: a Docker context that does not exist is named, with how to list the contexts; no stack trace', async () => {
  const run = await journeys(['up', '-f', stackFile('ordering/compose.yml'), '-p', 'jt-nocontext'], {
    DOCKER_HOST: undefined,
    DOCKER_CONTEXT: 'journeys-no-such-context',
  });
  expect(run.exitCode).toBe(exitCodeFor('DOCKER_UNAVAILABLE'));
  expect(run.stderr).toContain('[DOCKER_UNAVAILABLE] The Docker engine is not reachable.');
  expect(run.stderr).toContain('context "journeys-no-such-context": context not found');
  expect(run.stderr).toContain('Engine: Docker context "journeys-no-such-context"');
  expect(run.stderr).toMatch(
    /Fix: check the context with `docker context inspect journeys-no-such-context` \(`docker context ls` lists them\)/,
  );
  expect(run.stderr).toContain('unset DOCKER_CONTEXT');
  expect(run.stderr).not.toMatch(/^\s+at /m);
  expect(resourceCount('jt-nocontext')).toBe(0);
});

test('bad input: a DOCKER_HOST the docker CLI cannot use (a protocol it lacks here, an address it cannot parse) is named; no stack trace', async () => {
  for (const host of ['npipe:////./pipe/docker_engine', 'http://127.0.0.1:1']) {
    for (const args of [['status'], ['up', '-f', stackFile('ordering/compose.yml'), '-p', 'jt-badhost']]) {
      const run = await journeys(args, { DOCKER_HOST: host });
      expect(run.exitCode, `${args[0]} with ${host}`).toBe(exitCodeFor('DOCKER_UNAVAILABLE'));
      expect(run.stderr).toContain('[DOCKER_UNAVAILABLE] The Docker engine is not reachable.');
      expect(run.stderr).toContain('Failed to initialize');
      expect(run.stderr).toContain(`Engine: DOCKER_HOST=${host}`);
      expect(run.stderr).not.toMatch(/^\s+at /m);
    }
  }
  expect(resourceCount('jt-badhost')).toBe(0);
});

test('bad input: unknown command and bad option values are usage errors', async () => {
  const unknown = await journeys(['upp']);
  expect(unknown.exitCode).toBe(exitCodeFor('USAGE'));
  expect(unknown.stderr).toContain('unknown command "upp"');
  const timeout = await journeys(['up', '-f', stackFile('ordering/compose.yml'), '--wait-timeout', 'soon']);
  expect(timeout.exitCode).toBe(exitCodeFor('USAGE'));
  expect(timeout.stderr).toContain('--wait-timeout must be a whole number of seconds, got "soon"');
});

test('bad input: reap with the engine down is a clear error and a non-zero exit', async () => {
  const run = await journeys(['reap'], { DOCKER_HOST: 'unix:///tmp/journeys-no-such-docker.sock' });
  expect(run.exitCode).toBe(exitCodeFor('DOCKER_UNAVAILABLE'));
  expect(run.stderr).toContain('[DOCKER_UNAVAILABLE] The Docker engine is not reachable.');
  expect(run.stderr).toMatch(/Fix: start the engine at unix:\/\/\/tmp\/journeys-no-such-docker\.sock/);
});

test('bad input: a state directory that is not a directory, or holds garbage, stops reap before it removes anything', async () => {
  const projectName = `jt-badstate-${Math.random().toString(36).slice(2, 7)}`;
  const stateDir = mkdtempSync(path.join(os.tmpdir(), 'jt-state-'));
  // A stack of another machine's run (nothing any other reap on this engine removes), which
  // `reap --other-owners` would remove, if the state directory let it decide.
  const holder = holdStack(stackFile('reuse/compose.yml'), projectName, ['--owner-host', 'ci-runner-7'], {
    JOURNEYS_STATE_DIR: stateDir,
  });
  const env = { ...runEnv(), JOURNEYS_STATE_DIR: stateDir };
  try {
    await holder.ready;
    writeFileSync(path.join(stateDir, projectName, 'run.json'), '{"projectName": "jt-bad", "run": ');
    const garbage = await journeys(['reap', '--other-owners', '-p', projectName], env);
    expect(garbage.exitCode).toBe(exitCodeFor('STATE_INVALID'));
    expect(garbage.stderr).toContain(
      `[STATE_INVALID] The state directory cannot be trusted: ${path.join(stateDir, projectName, 'run.json')} holds garbage`,
    );
    expect(garbage.stderr).toContain('Nothing was removed.');
    expect(resourceCount(projectName)).toBeGreaterThan(0);

    const notADirectory = path.join(stateDir, 'plain-file');
    writeFileSync(notADirectory, 'not a directory');
    const unreadable = await journeys(['reap', '--other-owners', '-p', projectName], {
      ...env,
      JOURNEYS_STATE_DIR: notADirectory,
    });
    expect(unreadable.exitCode).toBe(exitCodeFor('STATE_INVALID'));
    expect(unreadable.stderr).toContain(`${notADirectory} is not a directory`);
    expect(resourceCount(projectName)).toBeGreaterThan(0);

    // Repaired: the same reap removes it.
    rmSync(path.join(stateDir, projectName, 'run.json'));
    const repaired = await journeys(['reap', '--other-owners', '-p', projectName], env);
    expect(repaired.exitCode, repaired.stderr).toBe(0);
    expect(resourceCount(projectName)).toBe(0);
  } finally {
    await holder.stop();
    await journeys(['down', '-p', projectName], env);
    rmSync(stateDir, { recursive: true, force: true });
  }
});
