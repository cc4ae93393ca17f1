// Calls as roles, against a real OpenID Connect provider (oidc-provider, in this process) and an API that
// checks its JWTs with jose: tokens per role and worker, renewed before they expire and after a 401, an
// identity per journey, and the errors a user gets for an unknown role, a wrong secret, an IdP that is down.
import { expect, type PlaywrightWorkerArgs, test } from '@playwright/test';
import { httpIdentityProviderClient, stackUrlResolver } from '../../src/auth/identity-provider-client.ts';
import { RoleLoginError } from '../../src/auth/role-login-error.ts';
import { RoleTokens } from '../../src/auth/role-tokens.ts';
import { clientCredentials, passwordGrant, type Roles, tokenLogin } from '../../src/auth/roles.ts';
import { createApi } from '../../src/http/api.ts';
import type { ApiExchange } from '../../src/http/service-client.ts';
import { categorise } from '../../src/report/failure-category.ts';
import { createRedactor } from '../../src/report/redaction.ts';
import type { Endpoints } from '../../src/stack/endpoints.ts';
import {
  CUSTOMER_PASSWORD,
  ISSUER,
  type ProtectedStack,
  STAFF,
  startProtectedStack,
  WEB,
} from '../support/protected-service.ts';

const roles: Roles = {
  staff: clientCredentials({ issuer: ISSUER, ...STAFF }),
  customer: passwordGrant({
    issuer: ISSUER,
    ...WEB,
    username: (journey) => `customer-${journey.id}`,
    password: CUSTOMER_PASSWORD,
  }),
};

function tokensFor(endpoints: Endpoints, declared: Roles = roles, onSecret?: (value: string) => void): RoleTokens {
  return new RoleTokens({
    roles: declared,
    idp: httpIdentityProviderClient(stackUrlResolver(endpoints.all)),
    loginContext: async () => {
      throw new Error('no login roles here');
    },
    ...(onSecret && { onSecret }),
  });
}

function apiFor(
  stack: ProtectedStack,
  tokens: RoleTokens,
  request: PlaywrightWorkerArgs['playwright']['request'],
  options: { journey?: string; role?: string } = {},
) {
  const exchanges: ApiExchange[] = [];
  const journey = { id: options.journey ?? 'cj1-journey-a', title: 'a journey' };
  const api = createApi({
    endpoints: stack.endpoints,
    correlationId: journey.id,
    request,
    exchanges,
    auth: { tokens, journey, ...(options.role && { role: options.role }) },
  });
  return { api, exchanges };
}

test.describe('with a 60 s token lifetime', () => {
  let stack: ProtectedStack;
  test.beforeAll(async () => {
    stack = await startProtectedStack(60);
  });
  test.afterAll(async () => stack.close());

  test('a call goes as the test role, as() another, as(null) anonymous; the record names the role, never the token', async ({
    playwright,
  }) => {
    const tokens = tokensFor(stack.endpoints);
    const { api, exchanges } = apiFor(stack, tokens, playwright.request, { role: 'customer' });
    try {
      const orders = api.service('api');
      expect(
        await orders
          .get('/orders')
          .expect(200)
          .then((r) => r.json()),
      ).toEqual({
        owner: 'customer-cj1-journey-a',
        roles: ['customer'],
      });
      expect((await orders.get('/refunds')).status()).toBe(403);
      expect((await orders.as('staff').get('/refunds')).status()).toBe(200);
      expect((await orders.as(null).get('/orders')).status()).toBe(401);
      expect(exchanges.map((e) => [e.role, e.status])).toEqual([
        ['customer', 200],
        ['customer', 403],
        ['staff', 200],
        [undefined, 401],
      ]);
      expect(exchanges[2]!.request.headers?.authorization).toBe('Bearer [REDACTED]');
      expect(JSON.stringify(exchanges)).not.toMatch(/eyJ/);
    } finally {
      await api.dispose();
    }
  });

  test('the token endpoint is asked once per role and worker, however many calls, in parallel or not', async ({
    playwright,
  }) => {
    const before = stack.idp.grants.get(STAFF.clientId) ?? 0;
    const worker1 = tokensFor(stack.endpoints);
    const worker2 = tokensFor(stack.endpoints);
    for (const tokens of [worker1, worker2]) {
      const { api } = apiFor(stack, tokens, playwright.request, { role: 'staff' });
      const refunds = api.service('api');
      const statuses = await Promise.all(
        Array.from({ length: 8 }, () => refunds.get('/refunds').then((r) => r.status())),
      );
      statuses.push((await refunds.get('/refunds')).status());
      expect(statuses).toEqual(Array(9).fill(200));
      await api.dispose();
    }
    expect((stack.idp.grants.get(STAFF.clientId) ?? 0) - before).toBe(2);
    expect([worker1.requests('staff'), worker2.requests('staff')]).toEqual([1, 1]);
  });

  test('each journey its own customer: a per-journey role logs in as a user of its own', async ({ playwright }) => {
    const tokens = tokensFor(stack.endpoints);
    const owners: unknown[] = [];
    for (const journey of ['cj1-left-1', 'cj1-right-2', 'cj1-left-1']) {
      const { api } = apiFor(stack, tokens, playwright.request, { journey, role: 'customer' });
      owners.push(
        await api
          .service('api')
          .get('/orders')
          .then((r) => r.json())
          .then((b) => b.owner),
      );
      await api.dispose(); // the journey ends: its identity's token goes
    }
    expect(owners).toEqual(['customer-cj1-left-1', 'customer-cj1-right-2', 'customer-cj1-left-1']);
    expect(tokens.requests('customer')).toBe(3);
  });

  test('a 401 for a token the API no longer takes: one new token, the call retried once', async ({ playwright }) => {
    const tokens = tokensFor(stack.endpoints);
    const { api, exchanges } = apiFor(stack, tokens, playwright.request, { role: 'staff' });
    try {
      const refunds = api.service('api');
      await refunds.get('/refunds').expect(200);
      await new Promise((resolve) => setTimeout(resolve, 1_100)); // iat has a 1 s grain
      stack.revokeIssuedBefore(new Date(Math.floor(Date.now() / 1000) * 1000));
      await refunds.get('/refunds').expect(200);
      expect(exchanges.map((e) => e.status)).toEqual([200, 401, 200]);
      expect(tokens.requests('staff')).toBe(2);
      const shown = stack.seen.slice(-3).map((s) => s.token);
      expect(shown[0]).toBe(shown[1]);
      expect(shown[2]).not.toBe(shown[1]);
    } finally {
      stack.revokeIssuedBefore(new Date(0));
      await api.dispose();
    }
  });

  test('tokens and declared secrets are redacted wherever they appear', async () => {
    const redact = createRedactor([]);
    const tokens = tokensFor(stack.endpoints, roles, (value) => redact.add(value));
    redact.add(STAFF.clientSecret);
    const token = await tokens.token('staff', undefined);
    const text = `token=${token.slice(0, 12)} body {"echo":"${token}"} secret ${STAFF.clientSecret}`;
    const redacted = redact(text);
    expect(redacted).not.toContain(token);
    expect(redacted).not.toContain(STAFF.clientSecret);
    // And a JWT nobody declared, by its shape.
    expect(createRedactor([])(`echo ${token}`)).toBe('echo [REDACTED]');
  });

  test('bad input: an unknown role lists the declared ones; a wrong secret is TEST, naming role, endpoint and answer', async ({
    playwright,
  }) => {
    const wrong: Roles = {
      ...roles,
      staff: clientCredentials({ issuer: ISSUER, clientId: STAFF.clientId, clientSecret: 'not-the-secret' }),
    };
    const tokens = tokensFor(stack.endpoints, wrong);
    const { api } = apiFor(stack, tokens, playwright.request);
    try {
      expect(() => api.service('api').as('nurse')).toThrow(
        /Unknown role "nurse"\. Declared roles: staff, customer\. Declare it once, in playwright\.config\.ts/,
      );
      const error = await api
        .service('api')
        .as('staff')
        .get('/refunds')
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(error).toBeInstanceOf(RoleLoginError);
      const message = (error as Error).message;
      expect(message).toMatch(
        /^\[TEST\] No token for role "staff" \(token endpoint http:\/\/127\.0\.0\.1:\d+\/token\): /,
      );
      expect(message).toContain('client_credentials grant answered 401 invalid_client');
      expect(message).toContain("Check the role's clientId and clientSecret.");
      expect(message).not.toContain('not-the-secret');
      // Nothing in it looks like a secret to the report's redaction (which once ate "[TEST]" and the grant).
      expect(createRedactor([])(message)).toBe(message);
      expect(categorise({ status: 'failed', timeout: 0, errors: [{ message }] }, []).category).toBe('TEST');
    } finally {
      await api.dispose();
    }
  });
});

test('a journey longer than the token lifetime passes; the IdP is asked once plus once per renewal', async ({
  playwright,
}) => {
  test.setTimeout(30_000);
  const stack = await startProtectedStack(2); // seconds
  const tokens = tokensFor(stack.endpoints);
  const { api } = apiFor(stack, tokens, playwright.request, { role: 'staff' });
  try {
    const refunds = api.service('api');
    const until = Date.now() + 5_500;
    while (Date.now() < until) {
      await refunds.get('/refunds').expect(200);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(stack.seen.every((s) => s.status === 200)).toBe(true); // never a 401: renewed before expiry
    const distinct = new Set(stack.seen.map((s) => s.token)).size;
    expect(distinct).toBeGreaterThanOrEqual(3); // 5.5 s of 2 s tokens
    expect(stack.idp.grants.get(STAFF.clientId)).toBe(distinct);
    expect(tokens.requests('staff')).toBe(distinct);
  } finally {
    await api.dispose();
    await stack.close();
  }
});

test('an identity provider that is down is INFRA; a login function of your own, and its failure', async ({
  playwright,
}) => {
  const stack = await startProtectedStack(60);
  const endpoints = stack.endpoints;
  await stack.close(); // nothing listens on its ports now
  const down = tokensFor(endpoints);
  const error = (await down.token('staff', undefined).catch((e: unknown) => e)) as Error;
  expect(error.message).toMatch(
    /^\[INFRA\] No token for role "staff" \(issuer http:\/\/idp:8080\): the identity provider is unreachable: http:\/\/127\.0\.0\.1:\d+\/\.well-known\/openid-configuration unreachable/,
  );
  expect(categorise({ status: 'failed', timeout: 0, errors: [{ message: error.message }] }, []).category).toBe('INFRA');

  const request = await playwright.request.newContext();
  const journeys: unknown[] = [];
  const login = new RoleTokens({
    roles: {
      partner: tokenLogin(async ({ journey }) => {
        journeys.push(journey);
        return { accessToken: 'opaque-partner-token', expiresIn: 60 };
      }),
      broken: tokenLogin(async () => {
        throw new Error('login form answered 500');
      }),
    },
    idp: httpIdentityProviderClient(),
    loginContext: async (journey) => ({ request, url: () => '', journey }),
  });
  expect(await login.token('partner', { id: 'j1', title: 't' })).toBe('opaque-partner-token');
  expect(await login.token('partner', { id: 'j2', title: 't' })).toBe('opaque-partner-token');
  expect(journeys).toEqual([undefined]); // shared by the worker: asked once, no journey
  await expect(login.token('broken', undefined)).rejects.toThrow(
    '[TEST] No token for role "broken" (its login function): login form answered 500.',
  );
  await request.dispose();
});
