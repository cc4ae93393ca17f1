import { expect, test } from '@playwright/test';
import { journeys, stackFile } from '../support/cli.ts';

test('lint names file, line, service and field for each problem, with a fix', async () => {
  const run = await journeys(['lint', '-f', stackFile('lint/compose.yml')]);
  expect(run.exitCode).toBe(1);
  const out = run.stdout;
  expect(out).toMatch(/lint\/compose\.yml:1: version: .*obsolete.*\[version-obsolete\]/);
  expect(out).toMatch(
    /lint\/compose\.yml:\d+: service "web", healthcheck: long-running service without a healthcheck.*\[healthcheck-missing\]/,
  );
  expect(out).toMatch(
    /lint\/compose\.yml:6: service "web", depends_on\.db: .*without a condition.*\[depends-on-without-condition\]/,
  );
  expect(out).toMatch(
    /lint\/compose\.yml:5: service "web", ports\[0\]: container port 80 is published on all interfaces.*\[port-not-loopback\]/,
  );
  expect(out).toMatch(/lint\/compose\.yml:5: service "web", ports\[0\]: .*fixed host port 8080.*\[port-fixed-host\]/);
  expect(out).toMatch(/lint\/compose\.yml:4: service "web", image: image nginx is not pinned.*\[image-unpinned\]/);
  expect(out).toMatch(/service "seed", image: image postgres:latest is not pinned/);
  expect(out).toMatch(/service "seed", depends_on: one-shot service .* no service waits for.*\[one-shot-not-awaited\]/);
  expect(out).not.toMatch(/service "db", healthcheck/);
  // Probing every second for ever keeps an idle stack busy: fast while starting only.
  expect(out).toMatch(
    /lint\/compose\.yml:21: service "cache", healthcheck\.interval: healthcheck every 1s for as long as the stack runs.*\[healthcheck-interval-short\]\n {4}fix: .*start_period: 30s, start_interval: 1s, interval: 30s/,
  );
  expect(out).not.toMatch(/service "queue"/);
  // The missing-healthcheck fix suggests the same shape.
  expect(out).toMatch(
    /\[healthcheck-missing\]\n {4}fix: add a healthcheck .*start_period: 30s, start_interval: 1s, interval: 30s/,
  );
  // A Kafka configured from the environment waits 3 s at every group's first join unless told not to.
  expect(out).toMatch(
    /lint\/compose\.yml:34: service "stream", environment\.KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: .* is not set: every consumer group's first join waits .*\[kafka-rebalance-delay\]\n {4}fix: set KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: 0/,
  );
  // Long-running services without CPU and memory limits (db and queue have them, seed is a one-shot).
  expect(out).toMatch(
    /lint\/compose\.yml:4: service "web", deploy\.resources\.limits: long-running service without a memory or CPU limit.*\[limits-missing\]\n {4}fix: set deploy\.resources\.limits .* in a CI limits override named by x-journeys\.limits/,
  );
  expect(out).not.toMatch(/service "(db|seed)", deploy/);
  expect(out.match(/fix: /g)?.length).toBe(13);
});

test('lint passes a clean stack', async () => {
  const run = await journeys(['lint', '-f', stackFile('reuse/compose.yml')]);
  expect(run.stdout).toBe('');
  expect(run.exitCode).toBe(0);
});
