// Tokens per role, cached for the worker (or the journey, for a role that is the journey's own identity),
// renewed shortly before they expire and once after a 401: the token endpoint is asked once per role and
// worker, plus once per renewal. One request at a time per role: parallel calls share it.
import { decodeJwt } from 'jose';
import { errorText } from '../util/error-text.ts';
import { type IdentityProviderClient, IdentityProviderUnreachable } from './identity-provider-client.ts';
import { RoleLoginError } from './role-login-error.ts';
import {
  isPerJourney,
  type JourneyIdentity,
  type LoginContext,
  type Role,
  type Roles,
  type TokenGrant,
  unknownRoleError,
} from './roles.ts';

interface Cached {
  token: string;
  obtainedAt: number;
  /** Epoch ms; undefined: no expiry known, kept until a 401. */
  expiresAt: number | undefined;
  refreshToken: string | undefined;
}

/** Renew this long before expiry: 30 s, or a quarter of a short lifetime (a 5 s token renews at 3.75 s). */
export function renewalDue(cached: Pick<Cached, 'obtainedAt' | 'expiresAt'>, now: number): boolean {
  if (cached.expiresAt === undefined) return false;
  const margin = Math.min(30_000, (cached.expiresAt - cached.obtainedAt) / 4);
  return now >= cached.expiresAt - margin;
}

export interface RoleTokensOptions {
  roles: Roles;
  idp: IdentityProviderClient;
  /** For login roles: the request context and URLs they get. */
  loginContext(journey: JourneyIdentity | undefined): Promise<LoginContext>;
  /** Every token (and refresh token) obtained, so the report can redact it. */
  onSecret?(value: string): void;
  now?(): number;
}

export class RoleTokens {
  readonly #cache = new Map<string, Cached>();
  readonly #pending = new Map<string, Promise<Cached>>();
  readonly #requests = new Map<string, number>();
  readonly #now: () => number;

  constructor(private readonly options: RoleTokensOptions) {
    this.#now = options.now ?? Date.now;
  }

  get roles(): Roles {
    return this.options.roles;
  }

  /** The role's definition; an unknown name throws, listing the declared ones. */
  role(name: string): Role {
    const role = Object.hasOwn(this.options.roles, name) ? this.options.roles[name] : undefined;
    if (!role) throw unknownRoleError(name, this.options.roles);
    return role;
  }

  /** Token requests made so far, per role (what a test or the bench counts). */
  requests(name: string): number {
    return this.#requests.get(name) ?? 0;
  }

  /** A valid token for the role (and the journey, for a per-journey role). */
  async token(name: string, journey: JourneyIdentity | undefined): Promise<string> {
    const role = this.role(name);
    const key = this.#key(name, role, journey);
    const cached = this.#cache.get(key);
    if (cached && !renewalDue(cached, this.#now())) return cached.token;
    let pending = this.#pending.get(key);
    if (!pending) {
      pending = this.#obtain(name, role, journey, cached).finally(() => this.#pending.delete(key));
      this.#pending.set(key, pending);
    }
    const fresh = await pending;
    this.#cache.set(key, fresh);
    return fresh.token;
  }

  /** A service answered 401 to this token: the next `token()` asks for a new one (once, whoever asks first). */
  rejected(name: string, journey: JourneyIdentity | undefined, token: string): void {
    const key = this.#key(name, this.role(name), journey);
    if (this.#cache.get(key)?.token === token) this.#cache.delete(key);
  }

  /** A journey ended: its own identities' tokens go. */
  forgetJourney(journey: JourneyIdentity): void {
    for (const key of this.#cache.keys()) if (key.endsWith(`\u0000${journey.id}`)) this.#cache.delete(key);
  }

  #key(name: string, role: Role, journey: JourneyIdentity | undefined): string {
    if (!isPerJourney(role)) return name;
    if (!journey) throw new Error(`[TEST] Role "${name}" is an identity of each journey's own: use it inside a test.`);
    return `${name}\u0000${journey.id}`;
  }

  async #obtain(name: string, role: Role, journey: JourneyIdentity | undefined, previous?: Cached): Promise<Cached> {
    this.#requests.set(name, this.requests(name) + 1);
    const grant =
      role.kind === 'login' ? await this.#login(name, role, journey) : await this.#oauth(name, role, journey, previous);
    const obtainedAt = this.#now();
    this.options.onSecret?.(grant.accessToken);
    if (grant.refreshToken) this.options.onSecret?.(grant.refreshToken);
    return {
      token: grant.accessToken,
      obtainedAt,
      expiresAt: expiryOf(grant, obtainedAt),
      refreshToken: grant.refreshToken,
    };
  }

  async #login(
    name: string,
    role: Extract<Role, { kind: 'login' }>,
    journey: JourneyIdentity | undefined,
  ): Promise<TokenGrant> {
    let answer: string | TokenGrant;
    try {
      answer = await role.login(await this.options.loginContext(isPerJourney(role) ? journey : undefined));
    } catch (error) {
      const text = errorText(error);
      const down = /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EAI_AGAIN|ENOTFOUND|socket hang up/i.test(text);
      throw new RoleLoginError(
        down ? 'INFRA' : 'TEST',
        name,
        'its login function',
        text,
        "See the role's login function.",
      );
    }
    const grant = typeof answer === 'string' ? { accessToken: answer } : answer;
    if (typeof grant?.accessToken !== 'string' || grant.accessToken === '')
      throw new RoleLoginError(
        'TEST',
        name,
        'its login function',
        'it returned no access token',
        'Return the token, or { accessToken, expiresIn }.',
      );
    return grant;
  }

  async #oauth(
    name: string,
    role: Extract<Role, { kind: 'client-credentials' | 'password' }>,
    journey: JourneyIdentity | undefined,
    previous: Cached | undefined,
  ): Promise<TokenGrant> {
    let endpoint = role.tokenEndpoint;
    const source = () => (endpoint ? `token endpoint ${this.options.idp.shown(endpoint)}` : `issuer ${role.issuer}`);
    try {
      endpoint ??= await this.options.idp.discover(role.issuer);
      const client = { id: role.clientId, secret: role.clientSecret };
      // A refresh token, when the last grant gave one: no credentials sent again.
      if (previous?.refreshToken) {
        const renewed = await this.options.idp.requestToken(
          endpoint,
          { grant_type: 'refresh_token', refresh_token: previous.refreshToken },
          client,
        );
        if (renewed.status === 200) return grantOf(renewed.body, name, source());
      }
      const form: Record<string, string> =
        role.kind === 'client-credentials'
          ? { grant_type: 'client_credentials' }
          : {
              grant_type: 'password',
              username: typeof role.username === 'function' ? role.username(journeyOf(name, journey)) : role.username,
              password: role.password,
            };
      if (role.scope) form.scope = role.scope;
      if (role.resource) form.resource = role.resource;
      if (role.audience) form.audience = role.audience;
      const answer = await this.options.idp.requestToken(endpoint, form, client);
      if (answer.status === 200) return grantOf(answer.body, name, source());
      throw refusal(name, source(), role, answer.status, answer.body);
    } catch (error) {
      if (error instanceof RoleLoginError) throw error;
      if (error instanceof IdentityProviderUnreachable)
        throw new RoleLoginError(
          'INFRA',
          name,
          source(),
          `the identity provider is unreachable: ${error.message}`,
          'Is its service up and healthy? (The stack evidence shows its logs.)',
        );
      throw error;
    }
  }
}

function journeyOf(name: string, journey: JourneyIdentity | undefined): JourneyIdentity {
  if (!journey) throw new Error(`[TEST] Role "${name}" names a user per journey: use it inside a test.`);
  return journey;
}

function grantOf(body: unknown, role: string, endpoint: string): TokenGrant {
  const answer = body as { access_token?: unknown; expires_in?: unknown; refresh_token?: unknown };
  if (typeof answer?.access_token !== 'string')
    throw new RoleLoginError(
      'INFRA',
      role,
      endpoint,
      `it answered 200 without an access_token: ${preview(body)}`,
      'Is this an OAuth 2 token endpoint?',
    );
  return {
    accessToken: answer.access_token,
    ...(typeof answer.expires_in === 'number' && { expiresIn: answer.expires_in }),
    ...(typeof answer.refresh_token === 'string' && { refreshToken: answer.refresh_token }),
  };
}

/** OAuth error codes (RFC 6749 5.2) and what to check for each. */
const HINTS: Record<string, string> = {
  invalid_client: "Check the role's clientId and clientSecret.",
  invalid_grant: "Check the role's username and password (does the user exist?).",
  unauthorized_client: 'The client may not use this grant type: allow it at the identity provider.',
  unsupported_grant_type: 'The identity provider does not offer this grant type.',
  invalid_scope: "Check the role's scope.",
  invalid_target: "Check the role's resource or audience.",
};

function refusal(name: string, endpoint: string, role: Role, status: number, body: unknown): RoleLoginError {
  const answer = body as { error?: unknown; error_description?: unknown };
  const code = typeof answer?.error === 'string' ? answer.error : undefined;
  const said = code
    ? `${code}${typeof answer.error_description === 'string' ? `: ${answer.error_description}` : ''}`
    : preview(body);
  // A 4xx with an OAuth error is the request's fault (the test's credentials); anything else, the provider's.
  const category = status >= 400 && status < 500 && code ? 'TEST' : 'INFRA';
  const grant = role.kind === 'password' ? 'password' : 'client_credentials';
  return new RoleLoginError(
    category,
    name,
    endpoint,
    `${grant} grant answered ${status} ${said}`,
    (code && HINTS[code]) ?? "See the identity provider's logs.",
  );
}

/** The earlier of `expires_in` and the JWT's `exp` (second-grained: a token can end up to 1 s before `expires_in` says). */
function expiryOf(grant: TokenGrant, obtainedAt: number): number | undefined {
  const byAnswer = grant.expiresIn !== undefined ? obtainedAt + grant.expiresIn * 1000 : undefined;
  let byClaim: number | undefined;
  try {
    const { exp } = decodeJwt(grant.accessToken);
    if (typeof exp === 'number') byClaim = exp * 1000;
  } catch {
    // an opaque token: its answer says, or it is used until a 401
  }
  if (byAnswer === undefined) return byClaim;
  return byClaim === undefined ? byAnswer : Math.min(byAnswer, byClaim);
}

function preview(body: unknown): string {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
