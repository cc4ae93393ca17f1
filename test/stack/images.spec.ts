import { execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { defineStack, startStack } from 'compose-journeys/stack';
import { stackFile } from '../support/cli.ts';
import { resourceCount } from '../support/docker-resources.ts';

const images = (filter: string) =>
  execFileSync('docker', ['images', '-aq', '--no-trunc', '--filter', filter], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean);

test('ten runs that rebuild leave the image count flat: one tag from the stack, dangling predecessors pruned', async () => {
  test.setTimeout(240_000);
  const file = stackFile('build/compose.yml');
  const counts: number[] = [];
  let tag = '';
  // Beside it, what another worker's stacks do on a full run: builds of ours, and their clean-up removing
  // dangling images of ours between this start's look and its removal (which once left one behind).
  const churnDir = mkdtempSync(path.join(os.tmpdir(), 'cj-churn-'));
  const churn = spawn('bash', ['-c', churnScript(churnDir)], { stdio: 'ignore', detached: true });
  try {
    for (let run = 0; run < 10; run++) {
      const projectName = `jt-images-${run}-${Math.random().toString(36).slice(2, 7)}`;
      const definition = await defineStack({ files: [file], projectName });
      const stack = await startStack(definition, { waitTimeoutSeconds: 60 });
      const [container] = await stack.containers();
      const image = execFileSync('docker', ['inspect', '--format', '{{.Config.Image}}', container!.id], {
        encoding: 'utf8',
      }).trim();
      // Named from the stack, not the run: no project name in it, the same for every run.
      expect(image).not.toContain(projectName);
      expect(image).toMatch(/^journeys-build-app:[0-9a-f]{10}$/);
      if (run === 0) tag = image;
      expect(image).toBe(tag);
      await stack.stop();
      expect(resourceCount(projectName)).toBe(0);
      // Every image our builds of this stack made (tagged or dangling): the current one only.
      counts.push(
        images(
          `label=dev.compose-journeys.image-of=${execFileSync('docker', ['inspect', '--format', '{{index .Config.Labels "dev.compose-journeys.image-of"}}', tag], { encoding: 'utf8' }).trim()}`,
        ).length,
      );
    }
  } finally {
    process.kill(-churn.pid!, 'SIGTERM');
    await new Promise((resolve) => churn.once('exit', resolve));
    execFileSync('bash', ['-c', churnCleanup(churnDir)]);
  }
  expect(counts).toEqual(Array(10).fill(1));
});

const CHURN_LABEL = 'dev.compose-journeys.image-of=journeys-test/churn:1';
const churnScript = (
  dir: string,
) => `cd ${dir} && printf 'FROM compose-journeys/debian:bookworm\\nLABEL ${CHURN_LABEL}\\nCOPY s /s\\n' > Dockerfile
while :; do date +%s%N > s; docker build -q -t journeys-test/churn:1 . >/dev/null 2>&1
  docker image rm $(docker images -q --filter dangling=true --filter label=${CHURN_LABEL}) >/dev/null 2>&1; done`;
const churnCleanup = (dir: string) =>
  `docker image rm -f $(docker images -q --filter label=${CHURN_LABEL}) >/dev/null 2>&1; rm -rf ${dir}; true`;

test('stacks that build one named image take turns without leaving dangling images', async () => {
  test.setTimeout(240_000);
  const tag = 'journeys-test/shared-image:latest';
  const exists = (id: string) => images(`reference=${tag}`).includes(id) || images('dangling=true').includes(id);
  const seen = new Set<string>();
  try {
    for (let run = 0; run < 6; run++) {
      const file = stackFile(`shared-image/${run % 2 === 0 ? 'one' : 'two'}/compose.yml`);
      const projectName = `jt-shared-${run}-${Math.random().toString(36).slice(2, 7)}`;
      const stack = await startStack(await defineStack({ files: [file], projectName }), { waitTimeoutSeconds: 60 });
      seen.add(execFileSync('docker', ['image', 'inspect', '--format', '{{.Id}}', tag], { encoding: 'utf8' }).trim());
      await stack.stop();
      // Compose labels a build with its project, so every run's build is a new image and moves the
      // tag. Of every image the tag has pointed to, only the current one is left (none dangling).
      expect([...seen].filter(exists)).toHaveLength(1);
    }
  } finally {
    execFileSync('docker', ['image', 'rm', '--force', tag], { stdio: 'ignore' });
  }
});

test('a build replaced while a stack still ran on it goes with that stack, leaving nothing dangling', async () => {
  test.setTimeout(240_000);
  const tag = 'journeys-test/shared-image:latest';
  const start = async (which: string) => {
    const projectName = `jt-overlap-${which}-${Math.random().toString(36).slice(2, 7)}`;
    const file = stackFile(`shared-image/${which}/compose.yml`);
    const stack = await startStack(await defineStack({ files: [file], projectName }), { waitTimeoutSeconds: 60 });
    const id = execFileSync('docker', ['image', 'inspect', '--format', '{{.Id}}', tag], { encoding: 'utf8' }).trim();
    return { stack, id };
  };
  try {
    const first = await start('one');
    // A second stack rebuilds the tag while the first runs: the first's image is now dangling, in use.
    const second = await start('two');
    expect(second.id).not.toBe(first.id);
    expect(images('dangling=true')).toContain(first.id);
    await first.stack.stop();
    expect(images('dangling=true')).not.toContain(first.id);
    await second.stack.stop();
    expect(images(`reference=${tag}`)).toEqual([second.id]);
  } finally {
    execFileSync('docker', ['image', 'rm', '--force', tag], { stdio: 'ignore' });
  }
});

test("an image built for a checkout that is gone goes at the next build; another user's stays", async () => {
  test.setTimeout(240_000);
  const checkout = mkdtempSync(path.join(os.tmpdir(), 'jt-gone-checkout-'));
  cpSync(stackFile('build'), path.join(checkout, 'build'), { recursive: true });
  const others = 'journeys-test/someone-elses:1';
  const start = async (file: string) => {
    const projectName = `jt-gone-${Math.random().toString(36).slice(2, 7)}`;
    const stack = await startStack(await defineStack({ files: [file], projectName }), { waitTimeoutSeconds: 60 });
    const [container] = await stack.containers();
    const image = execFileSync('docker', ['inspect', '--format', '{{.Config.Image}}', container!.id], {
      encoding: 'utf8',
    }).trim();
    await stack.stop();
    return image;
  };
  const exists = (ref: string) => images(`reference=${ref}`).length > 0;
  try {
    const gone = await start(path.join(checkout, 'build/compose.yml'));
    expect(gone).toMatch(/^journeys-build-app:[0-9a-f]{10}$/);
    // Another user's image, for a checkout that does not exist here either.
    execFileSync(
      'docker',
      [
        'build',
        '--quiet',
        '--label',
        'dev.compose-journeys.built-from=/nowhere/compose.yml',
        '--label',
        'dev.compose-journeys.built-by=someone-else@elsewhere',
        '-t',
        others,
        '-',
      ],
      { input: 'FROM compose-journeys/debian:bookworm\n', stdio: ['pipe', 'ignore', 'inherit'] },
    );
    rmSync(checkout, { recursive: true, force: true });
    expect(exists(gone)).toBe(true);
    const kept = await start(stackFile('build/compose.yml'));
    expect(kept).not.toBe(gone);
    expect(exists(gone)).toBe(false);
    expect(exists(kept)).toBe(true);
    expect(exists(others)).toBe(true);
  } finally {
    rmSync(checkout, { recursive: true, force: true });
    execFileSync('docker', ['image', 'rm', '--force', others], { stdio: 'ignore' });
  }
});
