import { execFileSync } from 'node:child_process';
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
  expect(counts).toEqual(Array(10).fill(1));
});

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
