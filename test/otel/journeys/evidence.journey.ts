// Journeys that fail on purpose (test/otel/otel.spec.ts reads their report): what the evidence shows
// on an OpenTelemetry stack, and how token failures are categorised.
import { clientCredentials, expect, test } from 'compose-journeys';
import { z } from 'zod';

const order = z.object({ id: z.string().uuid(), priceCents: z.number() });

test('fails on purpose: a wrong price; the evidence holds the api lines of this journey first', async ({ api }) => {
  const created = await api
    .service('api')
    .post('/orders', { data: { sku: `evidence-${api.traceId}` } })
    .expect(201, order);
  expect(created.priceCents, 'the default quote is 1000').toBe(999);
});

test.describe('a wrong client secret', () => {
  test.use({
    role: 'staff',
    roles: {
      staff: clientCredentials({
        issuer: 'http://idp:8080',
        clientId: 'backoffice',
        clientSecret: 'wrong-secret-0000',
      }),
    },
  });
  test('fails on purpose: TEST, naming the role, the endpoint and the answer', async ({ api }) => {
    await api.service('api').get('/orders/00000000-0000-4000-8000-000000000000');
  });
});

test.describe('an identity provider nobody answers for', () => {
  test.use({
    role: 'staff',
    roles: {
      staff: clientCredentials({ issuer: 'http://127.0.0.1:9', clientId: 'backoffice', clientSecret: 'x-secret-1234' }),
    },
  });
  test('fails on purpose: INFRA, the identity provider unreachable', async ({ api }) => {
    await api.service('api').get('/orders/00000000-0000-4000-8000-000000000000');
  });
});

test('fails on purpose: an unknown role lists the declared ones', async ({ api }) => {
  api.service('api').as('nurse');
});

test('fails on purpose: a journey-scoped tap, and a message that carries no trace', async ({ api, kafkaTap }) => {
  await api
    .service('api')
    .post('/legacy/orders', { data: { sku: 'untraced' } })
    .expect(202);
  await expect(kafkaTap).toHaveReceived({ topic: 'orders.placed', timeout: 2_000 });
});
