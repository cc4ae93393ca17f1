// The role registry (src/stack/service-roles.ts) is the one list of service roles: package.json's
// "journeys.services" (schema and quick check), the workers' stack options and the stack state all
// accept every role it has, and refuse any other naming the key and the file it came from.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { z } from 'zod';
import { stackEnvOptionsSchema } from '../../src/playwright/stack-env.ts';
import { runMode } from '../../src/run/run-mode.ts';
import { quickCheck, readPackageSettings, settingsSchema } from '../../src/stack/package-settings.ts';
import { SERVICE_ROLES } from '../../src/stack/service-roles.ts';
import { readStackState, stackStateSchema } from '../../src/stack/stack-state.ts';
import { REPO } from '../support/cli.ts';

const UNKNOWN = 'redis';
const REFUSAL = `"${UNKNOWN}" is not a service role; the roles are ${SERVICE_ROLES.join(', ')}.`;

const everyRole = (service: (role: string) => unknown) =>
  Object.fromEntries(SERVICE_ROLES.map((role) => [role, service(role)]));

function stackState(roles: Record<string, string[]>) {
  return {
    projectName: 'p',
    files: ['compose.yml'],
    profiles: [],
    envFiles: [],
    configHash: 'abc',
    offline: false,
    startedAt: new Date(0).toISOString(),
    endpoints: [],
    environment: {},
    roles,
  };
}

let dir: string;
test.beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'jt-roles-'));
});
test.afterEach(() => rmSync(dir, { recursive: true, force: true }));

function writeJson(name: string, value: unknown): string {
  const file = path.join(dir, name);
  writeFileSync(file, JSON.stringify(value));
  return file;
}

test('there are roles, each named once', () => {
  expect(SERVICE_ROLES.length).toBeGreaterThan(0);
  expect(new Set(SERVICE_ROLES).size).toBe(SERVICE_ROLES.length);
});

for (const role of SERVICE_ROLES) {
  test(`role ${role}: accepted by package.json's schema and quick check, the workers' options and the stack state`, () => {
    for (const names of ['svc', ['svc-a', 'svc-b']]) {
      const section = { services: { [role]: names } };
      expect(quickCheck(section), 'quick check').toBe(true);
      expect(settingsSchema(z).safeParse(section).success, 'schema').toBe(true);
      const options = {
        files: ['compose.yml'],
        profiles: [],
        envFiles: [],
        services: { [role]: names },
        mode: runMode({}, {}),
      };
      expect(stackEnvOptionsSchema.safeParse(options).success, "workers' stack options").toBe(true);
    }
    const roles = everyRole(() => []) as Record<string, string[]>;
    roles[role] = ['svc'];
    expect(stackStateSchema.parse(stackState(roles)).roles[role]).toEqual(['svc']);
  });
}

test('package.json naming every role is read as written', () => {
  const services = everyRole((role) => `${role}-service`);
  writeJson('package.json', { name: 'x', journeys: { services } });
  expect(readPackageSettings(dir)).toEqual({ services, file: path.join(dir, 'package.json') });
});

test('an unknown role in package.json is refused by both checks, naming the role, the roles and the file', () => {
  const section = { services: { [UNKNOWN]: 'cache' } };
  expect(quickCheck(section)).toBe(false);
  expect(settingsSchema(z).safeParse(section).success).toBe(false);
  const file = writeJson('package.json', { name: 'x', journeys: section });
  let refusal = '';
  try {
    readPackageSettings(dir);
  } catch (error) {
    refusal = (error as { describe(): string }).describe();
  }
  expect(refusal).toContain(`[CONFIG_INVALID] "journeys" in ${file} is invalid.`);
  expect(refusal).toContain(`✖ ${REFUSAL}\n  → at services`);
});

test('an unknown role in the stack state is refused, naming the role, the roles and the file', () => {
  const roles = { ...everyRole(() => []), [UNKNOWN]: ['cache'] } as Record<string, string[]>;
  const file = writeJson('state.json', stackState(roles));
  expect(() => readStackState(file)).toThrow(`The stack state ${file} is not valid:\n✖ ${REFUSAL}\n  → at roles`);
});

test('docs/configuration.md lists every role for "journeys.services"', () => {
  const docs = readFileSync(path.join(REPO, 'docs/configuration.md'), 'utf8');
  const listed = /by role \(([^)]*)\)/.exec(docs)?.[1];
  expect(listed?.match(/`[^`]+`/g)?.map((name) => name.slice(1, -1))).toEqual([...SERVICE_ROLES]);
});
