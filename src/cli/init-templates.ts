// The files `journeys init` writes. The README's quick start shows PLAYWRIGHT_CONFIG as is.
import { ROLES, SERVICE_ROLES } from '../stack/service-roles.ts';
import type { StackDefinition } from '../stack/stack-definition.ts';

export const PLAYWRIGHT_CONFIG = `import { defineConfig } from '@playwright/test';
import { stackProjects } from 'compose-journeys/config';

// The stack ("journeys.stack" in package.json) comes up in the "stack" project and goes down in
// "stack teardown"; the journeys depend on it, so \`npx playwright test\` does everything. The
// run history (\`npx journeys history\`) records every run in reports/history.sqlite.
const stack = stackProjects();

export default defineConfig({
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: true,
  retries: process.env.CI ? 1 : 0,
  reporter: [['list'], ['html', { outputFolder: 'reports/html', open: 'never' }], ...stack.reporters],
  outputDir: 'reports/test-results',
  // A failed attempt (the first, or a retry) keeps its trace: \`npx playwright show-trace\` shows the
  // journey's steps, its API calls and its evidence (the journey picture, logs) as attachments.
  use: { trace: 'retain-on-failure' },
  // Journeys first: UI mode and the VS Code extension show the first project until another is ticked.
  projects: [{ name: 'journeys', testDir: './journeys', dependencies: [stack.setup] }, ...stack.projects],
});
`;

/** For `tsc --noEmit` over the journeys; Playwright itself needs no tsconfig. */
export const TSCONFIG = `${JSON.stringify(
  {
    compilerOptions: {
      target: 'ES2022',
      module: 'ESNext',
      moduleResolution: 'Bundler',
      strict: true,
      noEmit: true,
      skipLibCheck: true,
    },
    include: ['playwright.config.ts', 'journeys'],
  },
  null,
  2,
)}\n`;

/** Container ports that speak something else than HTTP (databases, brokers, caches). */
const NOT_HTTP = new Set([
  2181, 3306, 5432, 5672, 6379, 9042, 9092, 9093, 9094, 11211, 1433, 1521, 26257, 27017, 4222, 6650,
]);

export interface HttpPort {
  service: string;
  containerPort: number;
}

/** The published ports a first journey can call over HTTP: every published TCP port not known to be something else. */
export function httpPortsOf(definition: StackDefinition): HttpPort[] {
  const plumbing = new Set(
    SERVICE_ROLES.filter((role) => ROLES[role].plumbing).flatMap((role) => definition.roles[role]),
  );
  return Object.entries(definition.config.services).flatMap(([service, spec]) =>
    (spec.ports ?? [])
      .filter(
        (port) =>
          (port.protocol ?? 'tcp') === 'tcp' &&
          !NOT_HTTP.has(port.target) &&
          !(plumbing.has(service) && port.target !== 15672),
      )
      .map((port) => ({ service, containerPort: port.target })),
  );
}

export function journeyTemplate(ports: HttpPort[]): string {
  const header = `import { test, expect } from 'compose-journeys';\n\n`;
  if (ports.length === 0) {
    return `import net from 'node:net';
${header.trimEnd()}

// Written by \`journeys init\`: the stack publishes no HTTP port, so this journey checks that every
// published port accepts connections. Add your own journeys next to it (see the compose-journeys README).
test('every published port accepts connections', async ({ stack }) => {
  expect(stack.endpoints.all.length, 'published ports: publish one (ports: ["127.0.0.1::<port>"]) so journeys can reach the stack').toBeGreaterThan(0);
  for (const endpoint of stack.endpoints.all) {
    await test.step(\`\${endpoint.service}:\${endpoint.containerPort}\`, () =>
      new Promise<void>((resolve, reject) => {
        const socket = net.connect(endpoint.port, endpoint.host, () => socket.end(resolve)).on('error', reject);
      }),
    );
  }
});
`;
  }
  const list = ports
    .map((port) => `  { service: '${port.service}', containerPort: ${port.containerPort} },`)
    .join('\n');
  return `${header}// Written by \`journeys init\` from the compose file: every published HTTP port answers without a server
// error. Add your own journeys next to this one (see the compose-journeys README).
const httpPorts = [
${list}
];

for (const { service, containerPort } of httpPorts) {
  test(\`\${service} answers on \${containerPort}\`, async ({ api }) => {
    const response = await api.service(service, containerPort).get('/');
    expect(response.status(), \`GET / on \${service}:\${containerPort}\`).toBeLessThan(500);
  });
}
`;
}
