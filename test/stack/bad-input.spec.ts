import { expect, test } from '@playwright/test';
import { exitCodeFor } from 'compose-journeys/stack';
import { journeys, stackFile } from '../support/cli.ts';
import { resourceCount } from '../support/docker-resources.ts';

/** Each bad input: a clear message naming the file/service/field, a non-zero exit, nothing started. */
const cases = [
  { name: 'missing compose file', file: 'bad/does-not-exist.yml', expect: [/Compose file not found: .*bad\/does-not-exist\.yml/, /-f\/--file/] },
  { name: 'YAML syntax error', file: 'bad/yaml-syntax.yml', expect: [/yaml-syntax\.yml/, /yaml: line \d+/] },
  { name: 'unknown service in depends_on', file: 'bad/unknown-dependency.yml', expect: [/service "api" depends on undefined service "databse"/] },
  { name: 'dependency cycle', file: 'bad/cycle.yml', expect: [/dependency cycle detected: (orders|payments) -> (payments|orders)/] },
  { name: 'invalid config value', file: 'bad/invalid-value.yml', expect: [/invalid-value\.yml/, /interval/] },
];

for (const bad of cases) {
  test(`bad input: ${bad.name}`, async () => {
    const projectName = `jt-bad-${Math.random().toString(36).slice(2, 7)}`;
    const run = await journeys(['up', '-f', stackFile(bad.file), '-p', projectName, '--wait-timeout', '10']);
    expect(run.exitCode).toBe(exitCodeFor('CONFIG_INVALID'));
    expect(run.stderr).toContain('[CONFIG_INVALID]');
    for (const pattern of bad.expect) expect(run.stderr).toMatch(pattern);
    expect(run.stderr).toMatch(/Fix: /);
    expect(resourceCount(projectName)).toBe(0);
  });
}

test('bad input: Docker daemon down', async () => {
  const run = await journeys(['up', '-f', stackFile('ordering/compose.yml'), '-p', 'jt-nodaemon'], { DOCKER_HOST: 'unix:///tmp/journeys-no-such-docker.sock' });
  expect(run.exitCode).toBe(exitCodeFor('DOCKER_UNAVAILABLE'));
  expect(run.stderr).toContain('[DOCKER_UNAVAILABLE] The Docker engine is not reachable.');
  expect(run.stderr).toMatch(/Fix: start it/);
});

test('bad input: unknown command and bad option values are usage errors', async () => {
  const unknown = await journeys(['upp']);
  expect(unknown.exitCode).toBe(exitCodeFor('USAGE'));
  expect(unknown.stderr).toContain('unknown command "upp"');
  const timeout = await journeys(['up', '-f', stackFile('ordering/compose.yml'), '--wait-timeout', 'soon']);
  expect(timeout.exitCode).toBe(exitCodeFor('USAGE'));
  expect(timeout.stderr).toContain('--wait-timeout must be a whole number of seconds, got "soon"');
});
