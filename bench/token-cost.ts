// What a call with a cached role token costs over the same call anonymous. No stack needed: the real
// identity provider (compose/idp, oidc-provider) runs in this process, its issuer named as a stack's
// services see it (http://idp:8080) and reached through an Endpoints entry, and a plain node:http API
// answers 200 {"ok":true} to everything without checking a token, so the server's work is the same
// either way and the difference is our client's alone (token cache lookup, the Authorization header,
// its redacted copy in the exchange record, Playwright carrying a longer header).
//
// One `createApi` with a client-credentials role `staff` as the test's role: the warm-up's first call
// obtains the token (warm-up samples not counted), then N calls as the role vs N `.as(null)`, interleaved,
// the side that goes first alternating per pair. The identity provider must have granted exactly one
// token in all (none while measuring): the bench throws otherwise.
//
// Run alone with `npm run bench:token` (bench/token.bench.ts); `npm run bench:consistency` runs it last.
import { createServer } from 'node:http';
import { request } from '@playwright/test';
import { createIdentityProvider, generateSigningKeys } from '../compose/idp/src/identity-provider.ts';
import { newCorrelationId } from '../fixtures/correlation.ts';
import { httpIdentityProviderClient, stackUrlResolver } from '../src/auth/identity-provider-client.ts';
import { RoleTokens } from '../src/auth/role-tokens.ts';
import { clientCredentials } from '../src/auth/roles.ts';
import { createApi } from '../src/http/api.ts';
import type { ApiExchange, ServiceClient } from '../src/http/service-client.ts';
import { Endpoints } from '../src/stack/endpoints.ts';
import { closeServer, listenOnLoopback, loopbackEndpoint } from '../test/support/loopback-servers.ts';
import { printLatency, printP95Delta } from './figures.ts';

const ISSUER = 'http://idp:8080';
const STAFF = { clientId: 'backoffice', clientSecret: 'backoffice-secret-bench' };

async function timedCall(client: ServiceClient): Promise<number> {
  const started = performance.now();
  const response = await client.get('/x');
  const elapsed = performance.now() - started;
  if (response.status() !== 200) throw new Error(`GET /x answered ${response.status()}`);
  return elapsed;
}

export async function benchTokenCost(options: { samples?: number; warmup?: number } = {}): Promise<void> {
  const samples = options.samples ?? 400;
  const warmup = options.warmup ?? 50;
  const idp = createIdentityProvider({
    issuer: ISSUER,
    audience: 'urn:bench:api',
    accessTokenTtl: 3600, // no renewal while the bench runs
    jwks: await generateSigningKeys(),
    clients: [
      {
        client_id: STAFF.clientId,
        client_secret: STAFF.clientSecret,
        grant_types: ['client_credentials'],
        roles: ['staff'],
      },
    ],
    users: [],
  });
  const idpServer = createServer(idp.handler);
  // Checks nothing (it counts the bearer tokens it was sent): the same work whether a token comes or not.
  let bearers = 0;
  const apiServer = createServer((request, response) => {
    if (request.headers.authorization?.startsWith('Bearer ')) bearers++;
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end('{"ok":true}');
  });
  try {
    const endpoints = new Endpoints([
      loopbackEndpoint('api', await listenOnLoopback(apiServer)),
      loopbackEndpoint('idp', await listenOnLoopback(idpServer)),
    ]);
    const tokens = new RoleTokens({
      roles: { staff: clientCredentials({ issuer: ISSUER, ...STAFF }) },
      idp: httpIdentityProviderClient(stackUrlResolver(endpoints.all)),
      loginContext: async () => {
        throw new Error('no login roles in this bench');
      },
    });
    const correlationId = newCorrelationId('bench token cost');
    const exchanges: ApiExchange[] = [];
    const api = createApi({
      endpoints,
      correlationId,
      request,
      exchanges,
      auth: { tokens, role: 'staff', journey: { id: correlationId, title: 'bench token cost' } },
    });
    try {
      const asStaff = api.service('api');
      const anonymous = asStaff.as(null);
      for (let i = 0; i < warmup; i++) {
        await timedCall(asStaff); // the first obtains the token
        await timedCall(anonymous);
      }
      const grantsBefore = idp.grants.get(STAFF.clientId) ?? 0;
      const withToken: number[] = [];
      const without: number[] = [];
      for (let i = 0; i < samples; i++) {
        if (i % 2 === 0) {
          withToken.push(await timedCall(asStaff));
          without.push(await timedCall(anonymous));
        } else {
          without.push(await timedCall(anonymous));
          withToken.push(await timedCall(asStaff));
        }
      }
      const grants = idp.grants.get(STAFF.clientId) ?? 0;
      if (grantsBefore !== 1 || grants !== 1 || tokens.requests('staff') !== 1)
        throw new Error(
          `The identity provider granted ${grants} token(s) (${grantsBefore} before measuring, ${tokens.requests('staff')} requested): expected exactly 1, cached for every call.`,
        );
      const asRole = exchanges.filter((exchange) => exchange.role === 'staff').length;
      if (asRole !== warmup + samples || bearers !== warmup + samples)
        throw new Error(
          `${asRole} calls went as staff and the API saw ${bearers} bearer tokens, expected ${warmup + samples}.`,
        );
      printLatency('call-with-cached-token', withToken, 2);
      printLatency('call-anonymous', without, 2);
      printP95Delta('cached-token-overhead', withToken, without, 'with token', 'anonymous');
    } finally {
      await api.dispose();
    }
  } finally {
    await Promise.all([closeServer(idpServer), closeServer(apiServer)]);
  }
}
