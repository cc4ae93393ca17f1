// An OpenID Connect identity provider for test stacks, on `oidc-provider` (a certified OIDC server
// library): discovery, JWKS, client credentials, and the password grant (registered through the
// library's grant extension point, for the "log in as this user" roles a test needs). Access tokens
// are JWTs for one audience, carrying the subject's roles, so services check them offline with JWKS.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { exportJWK, generateKeyPair } from 'jose';
import Provider, { type Configuration, type KoaContextWithOIDC } from 'oidc-provider';

export interface IdpClient {
  client_id: string;
  client_secret: string;
  grant_types: ('client_credentials' | 'password')[];
  /** Roles of the client itself (client credentials: the token's subject is the client). */
  roles?: string[];
}

/** A user, or a family of users (`pattern`): each journey can log in as a customer of its own. */
export interface IdpUser {
  username?: string;
  pattern?: string;
  password: string;
  roles: string[];
}

export interface IdentityProviderOptions {
  issuer: string;
  /** The `aud` of every access token, the API the services protect: an absolute URI (`urn:shop:api`). */
  audience: string;
  clients: IdpClient[];
  users: IdpUser[];
  /** Access token lifetime, seconds. */
  accessTokenTtl: number;
  /** Keys to sign with (a JWKS with private keys): `generateSigningKeys()` at start. */
  jwks: { keys: object[] };
  log?: (event: Record<string, unknown>) => void;
}

export interface IdentityProvider {
  /** A Node request handler: `http.createServer(idp.handler)`. */
  handler(req: IncomingMessage, res: ServerResponse): void;
  /** Successful token grants so far, per client id (what a test counts). */
  readonly grants: ReadonlyMap<string, number>;
}

export function createIdentityProvider(options: IdentityProviderOptions): IdentityProvider {
  const grants = new Map<string, number>();
  const log = options.log ?? (() => {});
  const rolesOf = (accountId: string): string[] => {
    const client = options.clients.find((c) => `client:${c.client_id}` === accountId);
    if (client) return client.roles ?? [];
    return userOf(options.users, accountId)?.roles ?? [];
  };
  const resourceServer = {
    scope: 'openid',
    audience: options.audience,
    accessTokenFormat: 'jwt' as const,
    accessTokenTTL: options.accessTokenTtl,
    jwt: { sign: { alg: 'RS256' as const } },
  };
  const configuration: Configuration = {
    clients: options.clients.map((client) => ({
      client_id: client.client_id,
      client_secret: client.client_secret,
      grant_types: client.grant_types,
      redirect_uris: [],
      response_types: [],
      token_endpoint_auth_method: 'client_secret_basic',
    })),
    jwks: options.jwks as Configuration['jwks'],
    // Tokens live in memory: a test IdP restarted is a new IdP (its keys too).
    adapter: MemoryAdapter,
    features: {
      clientCredentials: { enabled: true },
      devInteractions: { enabled: false },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => options.audience,
        useGrantedResource: () => true,
        getResourceServerInfo: () => resourceServer,
      },
    },
    clientBasedCORS: () => false,
    extraTokenClaims: (_ctx, token) => {
      const subject = 'accountId' in token && token.accountId ? String(token.accountId) : `client:${token.clientId}`;
      return { roles: rolesOf(subject), ...(!('accountId' in token && token.accountId) && { sub: subject }) };
    },
    ttl: { ClientCredentials: options.accessTokenTtl, AccessToken: options.accessTokenTtl },
  };
  const provider = new Provider(options.issuer, configuration);
  // The password grant is gone from OAuth 2.1 and from oidc-provider's built-ins, but test IdPs and many
  // real ones still offer it: registered through the library's own extension point.
  provider.registerGrantType('password', async (ctx: KoaContextWithOIDC) => passwordGrant(ctx), [
    'username',
    'password',
    'scope',
  ]);
  provider.on('grant.success', (ctx: KoaContextWithOIDC) => {
    const client = ctx.oidc.client?.clientId ?? '?';
    grants.set(client, (grants.get(client) ?? 0) + 1);
    log({ event: 'grant.success', client, grant_type: ctx.oidc.params?.grant_type });
  });
  provider.on('grant.error', (ctx: KoaContextWithOIDC, error: Error) =>
    log({ event: 'grant.error', client: ctx.oidc.client?.clientId, error: error.message }),
  );

  async function passwordGrant(ctx: KoaContextWithOIDC): Promise<void> {
    const { username, password } = ctx.oidc.params as { username?: string; password?: string };
    const user = username ? userOf(options.users, username) : undefined;
    if (!user || user.password !== password) {
      ctx.status = 400;
      ctx.body = { error: 'invalid_grant', error_description: 'wrong username or password' };
      return;
    }
    const token = new provider.AccessToken({
      accountId: username!,
      client: ctx.oidc.client!,
      grantId: randomUUID(),
      gty: 'password',
      scope: 'openid',
    });
    token.resourceServer = new provider.ResourceServer(options.audience, resourceServer);
    const value = await token.save();
    ctx.body = { access_token: value, token_type: 'Bearer', expires_in: token.expiration, scope: 'openid' };
  }

  const callback = provider.callback();
  return { handler: (req, res) => void callback(req, res), grants };
}

/** An RS256 signing key, made at start: a test stack's IdP needs no key material in the repo. */
export async function generateSigningKeys(): Promise<{ keys: object[] }> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  return { keys: [{ ...(await exportJWK(privateKey)), alg: 'RS256', use: 'sig', kid: 'test-idp-1' }] };
}

/** oidc-provider's storage seam, in memory (its own quick-start adapter warns on every start). */
class MemoryAdapter {
  static readonly store = new Map<string, { payload: Record<string, unknown>; expiresAt: number }>();
  // A plain field, not a parameter property: Node runs this file with type stripping only.
  readonly model: string;
  constructor(model: string) {
    this.model = model;
  }
  #key = (id: string) => `${this.model}:${id}`;
  async upsert(id: string, payload: Record<string, unknown>, expiresIn: number): Promise<void> {
    MemoryAdapter.store.set(this.#key(id), { payload, expiresAt: Date.now() + expiresIn * 1000 });
  }
  async find(id: string): Promise<Record<string, unknown> | undefined> {
    const entry = MemoryAdapter.store.get(this.#key(id));
    if (!entry || entry.expiresAt < Date.now()) return undefined;
    return entry.payload;
  }
  async findByUserCode(): Promise<undefined> {
    return undefined;
  }
  async findByUid(): Promise<undefined> {
    return undefined;
  }
  async consume(id: string): Promise<void> {
    const entry = MemoryAdapter.store.get(this.#key(id));
    if (entry) entry.payload.consumed = Math.floor(Date.now() / 1000);
  }
  async destroy(id: string): Promise<void> {
    MemoryAdapter.store.delete(this.#key(id));
  }
  async revokeByGrantId(): Promise<void> {}
}

function userOf(users: readonly IdpUser[], username: string): IdpUser | undefined {
  return users.find((user) => user.username === username || (user.pattern && new RegExp(user.pattern).test(username)));
}
