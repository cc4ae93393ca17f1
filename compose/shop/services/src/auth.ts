// Who is calling: a JWT from the identity provider (AUTH_ISSUER), checked with jose against its JWKS
// (fetched once, refetched when a token names an unknown key). Customers act for themselves; staff for anyone.
import type { IncomingMessage } from 'node:http';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { HttpError } from './http.ts';

export interface Caller {
  /** The token's subject: a customer's id, or a staff client's. */
  subject: string;
  roles: readonly string[];
}

export type Authenticate = (headers: IncomingMessage['headers']) => Promise<Caller>;

export function authenticator(issuer: string, audience: string): Authenticate {
  const keys = createRemoteJWKSet(new URL(`${issuer.replace(/\/$/, '')}/jwks`));
  return async (headers) => {
    const token = /^Bearer (.+)$/i.exec(headers.authorization ?? '')?.[1];
    if (!token) throw new HttpError(401, 'a bearer token is required');
    try {
      const { payload } = await jwtVerify(token, keys, { issuer, audience });
      const roles = Array.isArray(payload.roles) ? payload.roles.filter((r): r is string => typeof r === 'string') : [];
      if (!payload.sub) throw new Error('the token has no subject');
      return { subject: payload.sub, roles };
    } catch (err) {
      throw new HttpError(401, `invalid token: ${err instanceof Error ? err.message : String(err)}`);
    }
  };
}

export function requireRole(caller: Caller, role: string): void {
  if (!caller.roles.includes(role)) throw new HttpError(403, `needs role ${role}`);
}

export const isStaff = (caller: Caller): boolean => caller.roles.includes('staff');
