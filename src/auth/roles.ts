// Roles a journey calls the stack as: each declared once (playwright.config.ts `use`, or `test.use`),
// each with a token source. `api.service('orders').as('staff')` then sends that role's token.
import type { APIRequestContext } from '@playwright/test';

/** Who the token is for when a role is an identity of the journey's own. */
export interface JourneyIdentity {
  /** The journey's correlation id: unique per test and run, usable in a user name. */
  readonly id: string;
  readonly title: string;
}

/** What a token source answers: the access token, and how long it lives when the token does not say. */
export interface TokenGrant {
  accessToken: string;
  /** Seconds from now (OAuth's `expires_in`); without it, the JWT's `exp`; without that, until a 401. */
  expiresIn?: number;
  /** When the source can renew without the credentials again (OAuth's `refresh_token`). */
  refreshToken?: string;
}

interface RoleBase {
  /**
   * A role that is an identity of the journey's own: each journey gets its own token (its own customer),
   * fetched when it first calls as this role. Default: one token per role and worker.
   */
  perJourney?: boolean;
}

/** OAuth 2 client credentials, the token endpoint found by OpenID Connect discovery from the issuer. */
export interface ClientCredentialsRole extends RoleBase {
  kind: 'client-credentials';
  /** The issuer URL. A service of the stack may be named as the services see it (`http://idp:8080`). */
  issuer: string;
  clientId: string;
  clientSecret: string;
  scope?: string;
  /** RFC 8707 `resource`, or `audience` as Auth0 and others name it. */
  resource?: string;
  audience?: string;
  /** Skips discovery. */
  tokenEndpoint?: string;
}

/** OAuth 2 resource owner password credentials: log in as a user. */
export interface PasswordRole extends RoleBase {
  kind: 'password';
  issuer: string;
  clientId: string;
  clientSecret?: string;
  /** A function makes a user per journey (`({ id }) => \`customer-${id}\``) and implies `perJourney`. */
  username: string | ((journey: JourneyIdentity) => string);
  password: string;
  scope?: string;
  resource?: string;
  audience?: string;
  tokenEndpoint?: string;
}

/** What a login function of the user's own gets. */
export interface LoginContext {
  /** Playwright's request context, not authenticated (sign a user up, post a login form…). */
  readonly request: APIRequestContext;
  /** A stack service's published URL, as `api` reaches it. */
  url(service: string, containerPort?: number): string;
  /** The journey, for a `perJourney` role; undefined for a role shared by the worker. */
  readonly journey: JourneyIdentity | undefined;
}

/** A login function of the user's own: anything that yields a token. */
export interface LoginRole extends RoleBase {
  kind: 'login';
  login(context: LoginContext): Promise<string | TokenGrant>;
  /** Values to keep out of the report (passwords the function uses); the tokens it returns always are. */
  secrets?: string[];
}

export type Role = ClientCredentialsRole | PasswordRole | LoginRole;
export type Roles = Record<string, Role>;

export function clientCredentials(options: Omit<ClientCredentialsRole, 'kind'>): ClientCredentialsRole {
  return { kind: 'client-credentials', ...options };
}

export function passwordGrant(options: Omit<PasswordRole, 'kind'>): PasswordRole {
  return { kind: 'password', ...options };
}

export function tokenLogin(login: LoginRole['login'], options: Omit<LoginRole, 'kind' | 'login'> = {}): LoginRole {
  return { kind: 'login', login, ...options };
}

/** Does each journey get a token of its own? */
export function isPerJourney(role: Role): boolean {
  return role.perJourney ?? (role.kind === 'password' && typeof role.username === 'function');
}

/** The secrets a role declares, for the redactor. */
export function roleSecrets(role: Role): string[] {
  if (role.kind === 'client-credentials') return [role.clientSecret];
  if (role.kind === 'password') return [role.password, ...(role.clientSecret ? [role.clientSecret] : [])];
  return role.secrets ?? [];
}

/**
 * The same declarations give the same fingerprint, in every test of a worker: they share a token cache.
 * Functions count by their source text (a login function, a per-journey user name).
 */
export function rolesFingerprint(roles: Roles): string {
  return JSON.stringify(roles, (_key, value: unknown) =>
    typeof value === 'function' ? `fn:${value.toString()}` : value,
  );
}

/** Unknown role: the message lists the declared ones and says where to declare. */
export function unknownRoleError(name: string, roles: Roles): Error {
  const declared = Object.keys(roles);
  return new Error(
    `[TEST] Unknown role "${name}". Declared roles: ${declared.length > 0 ? declared.join(', ') : 'none'}. ` +
      `Declare it once, in playwright.config.ts (use: { roles: { ${name}: clientCredentials({ issuer, clientId, clientSecret }) } }) or with test.use({ roles }).`,
  );
}
