import path from 'node:path';
import { defineConfig } from '@playwright/test';
import { clientCredentials, type JourneyOptions, type JourneyWorkerOptions, passwordGrant } from 'compose-journeys';
import { stackProjects } from 'compose-journeys/config';

/**
 * A run inside a run (started by test/otel/otel.spec.ts) on a stack that is not our shop
 * (test/stacks/otel): OpenTelemetry services that pass on only `traceparent`, JWTs from an identity
 * provider, no correlation column. Configured only through the package's public entry points, as a
 * team's own repo would be.
 */
const out = path.resolve(process.env.OTEL_OUT ?? 'reports/otel-nested');
const stack = stackProjects({ files: ['test/stacks/otel/compose.yml'], waitTimeoutSeconds: 180 });
const issuer = 'http://idp:8080'; // as the services see it; reached through idp's published port
const customers = {
  issuer,
  clientId: 'web',
  clientSecret: 'web-client-secret-4f0a',
  password: 'customer-password-77aa',
};

export default defineConfig<JourneyOptions, JourneyWorkerOptions>({
  testDir: path.join(import.meta.dirname, 'journeys'),
  workers: 2,
  fullyParallel: true,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 5_000 },
  outputDir: path.join(out, 'results'),
  reporter: [
    ['json', { outputFile: path.join(out, 'report.json') }],
    ['html', { outputFolder: path.join(out, 'html'), open: 'never' }],
  ],
  use: {
    roles: {
      // Each journey its own customer (a user name per journey), and a second one to try to read its data.
      customer: passwordGrant({ ...customers, username: ({ id }) => `customer-${id}` }),
      otherCustomer: passwordGrant({ ...customers, username: ({ id }) => `other-${id}` }),
      staff: clientCredentials({ issuer, clientId: 'backoffice', clientSecret: 'backoffice-secret-2b7c' }),
      nightBatch: clientCredentials({ issuer, clientId: 'night-batch', clientSecret: 'night-batch-secret-9e4d' }),
    },
    role: 'customer',
    propagation: 'traceparent',
    tapScope: 'journey',
    kafkaTopics: ['orders.placed'],
    kafkaCreateMissingTopics: true,
    rabbitBindings: [{ exchange: 'orders', pattern: '#' }],
  },
  projects: [{ name: 'journeys', testMatch: /\.journey\.ts$/, dependencies: [stack.setup] }, ...stack.projects],
});
