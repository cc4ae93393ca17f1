// For the role tests: a real identity provider (oidc-provider, in this process) whose issuer is named as a
// stack's services see it (http://idp:8080), and an API that checks its JWTs with jose against its JWKS, the
// way a service behind an identity provider does.
import { createServer } from 'node:http';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import {
  createIdentityProvider,
  generateSigningKeys,
  type IdentityProvider,
} from '../../compose/idp/src/identity-provider.ts';
import { Endpoints } from '../../src/stack/endpoints.ts';
import { closeServer, listenOnLoopback, loopbackEndpoint } from './loopback-servers.ts';

export const ISSUER = 'http://idp:8080';
export const AUDIENCE = 'urn:shop:api';
export const STAFF = { clientId: 'backoffice', clientSecret: 'backoffice-secret-7f3a' };
export const WEB = { clientId: 'shop-web', clientSecret: 'shop-web-secret-91c2' };
export const CUSTOMER_PASSWORD = 'customer-password-5d1e';

export interface ProtectedStack {
  idp: IdentityProvider;
  /** As the stack's endpoints would list them: `idp` and `api`, both on 127.0.0.1. */
  endpoints: Endpoints;
  /** Every token the API was shown, in order, and what it answered. */
  seen: { token: string | undefined; status: number }[];
  /** From now on the API refuses tokens issued before this moment (a revocation). */
  revokeIssuedBefore(date: Date): void;
  close(): Promise<void>;
}

export async function startProtectedStack(accessTokenTtl: number): Promise<ProtectedStack> {
  const idp = createIdentityProvider({
    issuer: ISSUER,
    audience: AUDIENCE,
    accessTokenTtl,
    jwks: await generateSigningKeys(),
    clients: [
      {
        client_id: STAFF.clientId,
        client_secret: STAFF.clientSecret,
        grant_types: ['client_credentials'],
        roles: ['staff'],
      },
      { client_id: WEB.clientId, client_secret: WEB.clientSecret, grant_types: ['password'] },
    ],
    users: [{ pattern: '^customer-.+$', password: CUSTOMER_PASSWORD, roles: ['customer'] }],
  });
  const idpServer = createServer(idp.handler);
  const idpPort = await listenOnLoopback(idpServer);
  const jwks = createRemoteJWKSet(new URL(`http://127.0.0.1:${idpPort}/jwks`));
  const seen: ProtectedStack['seen'] = [];
  let revokedBefore = 0;
  const api = createServer(async (request, response) => {
    const answer = (status: number, body: unknown) => {
      seen.push({ token, status });
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    if (!token) return answer(401, { error: 'no token' });
    let claims: { sub?: string; roles?: string[]; iat?: number };
    try {
      claims = (await jwtVerify(token, jwks, { issuer: ISSUER, audience: AUDIENCE })).payload;
    } catch (error) {
      return answer(401, { error: String(error) });
    }
    if ((claims.iat ?? 0) * 1000 < revokedBefore) return answer(401, { error: 'revoked' });
    const need = request.url?.startsWith('/refunds') ? 'staff' : 'customer';
    if (!claims.roles?.includes(need)) return answer(403, { error: `needs role ${need}` });
    answer(200, { owner: claims.sub, roles: claims.roles });
  });
  const apiPort = await listenOnLoopback(api);
  return {
    idp,
    endpoints: new Endpoints([loopbackEndpoint('api', apiPort), loopbackEndpoint('idp', idpPort)]),
    seen,
    revokeIssuedBefore: (date) => {
      revokedBefore = date.getTime();
    },
    close: async () => {
      await Promise.all([closeServer(idpServer), closeServer(api)]);
    },
  };
}
