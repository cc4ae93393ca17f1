import { expect, test } from '@playwright/test';
import { journeys, stackFile } from '../support/cli.ts';
import { resourceCount } from '../support/docker-resources.ts';

test('journeys up / status / logs / down, as a user drives a stack by hand', async () => {
  const projectName = `jt-cli-${Math.random().toString(36).slice(2, 7)}`;
  const file = stackFile('ordering/compose.yml');
  const up = await journeys(['up', '-f', file, '-p', projectName]);
  expect(up.exitCode, up.stderr).toBe(0);
  expect(up.stdout).toMatch(/^api:8080\thttp:\/\/127\.0\.0\.1:\d+$/m);
  expect(up.stderr).toMatch(/\d+s api \S+ .*db running \((starting|healthy)\)/); // progress lines
  expect(up.stderr).toContain(`journeys down -p ${projectName}`);

  const status = await journeys(['status']);
  expect(status.stdout).toContain(`${projectName}  owner=`);
  expect(status.stdout).toMatch(new RegExp(`${projectName}.*kept[\\s\\S]*migrate\\s+exited \\(0\\)`));

  // The engine hands a one-shot's last line to its log driver asynchronously from the exit it reports
  // (moby's log copier): under load, ask again rather than read a copy that is still being written.
  let logs = await journeys(['logs', '-f', file, '-p', projectName, 'migrate']);
  await expect
    .poll(
      async () => {
        if (!/migrated/.test(logs.stdout)) logs = await journeys(['logs', '-f', file, '-p', projectName, 'migrate']);
        return `exit ${logs.exitCode}\n${logs.stdout}\n${logs.stderr}`;
      },
      { timeout: 10_000 },
    )
    .toMatch(/^exit 0\n[\s\S]*migrate-1 +\| \d{4}-\d\d-\d\dT[\d:.]+Z migrated/);

  // `reap` must leave a stack started by `journeys up`, even though the CLI process has exited.
  await journeys(['reap']);
  expect(resourceCount(projectName)).toBeGreaterThan(0);

  const down = await journeys(['down', '-p', projectName]);
  expect(down.exitCode).toBe(0);
  expect(resourceCount(projectName)).toBe(0);
});
