// The test identity provider as a service: configured by environment, JSON log lines, port 8080.
//   IDP_ISSUER        the issuer as services see it (http://idp:8080)
//   IDP_AUDIENCE      the API's audience, an absolute URI (urn:shop:api)
//   IDP_CLIENTS       JSON: [{ client_id, client_secret, grant_types, roles }]
//   IDP_USERS         JSON: [{ username | pattern, password, roles }]
//   IDP_TOKEN_TTL     access token lifetime in seconds (default 300)
import http from 'node:http';
import { createIdentityProvider, generateSigningKeys, type IdpClient, type IdpUser } from './identity-provider.ts';

const env = (name: string, fallback?: string): string => {
  const value = process.env[name] ?? fallback;
  if (value === undefined) throw new Error(`${name} is not set`);
  return value;
};
const log = (event: Record<string, unknown>) =>
  process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), service: 'idp', ...event })}\n`);

const idp = createIdentityProvider({
  issuer: env('IDP_ISSUER'),
  audience: env('IDP_AUDIENCE'),
  clients: JSON.parse(env('IDP_CLIENTS')) as IdpClient[],
  users: JSON.parse(env('IDP_USERS', '[]')) as IdpUser[],
  accessTokenTtl: Number(env('IDP_TOKEN_TTL', '300')),
  jwks: await generateSigningKeys(),
  log,
});
const server = http.createServer((req, res) => {
  // For healthchecks and tests: how many tokens each client was granted.
  if (req.url === '/health') return void res.end('ok');
  if (req.url === '/stats') {
    res.setHeader('content-type', 'application/json');
    return void res.end(JSON.stringify({ grants: Object.fromEntries(idp.grants) }));
  }
  idp.handler(req, res);
});
server.listen(8080, () => log({ event: 'listening', port: 8080 }));
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => server.close(() => process.exit(0)));
