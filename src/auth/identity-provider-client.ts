// The seam to identity providers: discovery and the token endpoint, over real HTTP (fetch). Tests of
// the token cache use a recording fake of it; the client itself is tested against a real oidc-provider.
import type { Endpoint } from '../stack/endpoints.ts';
import { errorText } from '../util/error-text.ts';

export interface TokenEndpointAnswer {
  status: number;
  body: unknown;
}

export interface IdentityProviderClient {
  /** The issuer's `token_endpoint`, from its `/.well-known/openid-configuration`. */
  discover(issuer: string): Promise<string>;
  /** POSTs a form to the token endpoint, with HTTP Basic client authentication when a secret is given. */
  requestToken(
    endpoint: string,
    form: Record<string, string>,
    client: { id: string; secret?: string },
  ): Promise<TokenEndpointAnswer>;
  /** A URL for a message: as named, and where this machine reached it when that differs. */
  shown(url: string): string;
}

/** The identity provider could not be reached or answered nonsense: INFRA, whatever the request. */
export class IdentityProviderUnreachable extends Error {
  override name = 'IdentityProviderUnreachable';
}

const TIMEOUT_MS = 10_000;

/**
 * Over HTTP. `resolve` maps a URL as the services see it (`http://idp:8080/token`) to one this machine
 * reaches (the service's published port), so the issuer can be named the way the stack's tokens carry it.
 */
export function httpIdentityProviderClient(resolve: (url: string) => string = (url) => url): IdentityProviderClient {
  const discovered = new Map<string, Promise<string>>();
  const call = async (url: string, init: RequestInit): Promise<Response> => {
    try {
      return await fetch(resolve(url), { ...init, signal: AbortSignal.timeout(TIMEOUT_MS) });
    } catch (error) {
      throw new IdentityProviderUnreachable(`${resolve(url)} unreachable (${errorText(error)})`);
    }
  };
  return {
    discover(issuer) {
      let endpoint = discovered.get(issuer);
      if (!endpoint) {
        endpoint = (async () => {
          const url = `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
          const response = await call(url, {});
          if (!response.ok)
            throw new IdentityProviderUnreachable(`discovery at ${resolve(url)} answered ${response.status}`);
          const document = (await response.json().catch(() => ({}))) as { token_endpoint?: unknown };
          if (typeof document.token_endpoint !== 'string')
            throw new IdentityProviderUnreachable(`discovery at ${resolve(url)} names no token_endpoint`);
          return document.token_endpoint;
        })();
        endpoint.catch(() => discovered.delete(issuer)); // asked again next time
        discovered.set(issuer, endpoint);
      }
      return endpoint;
    },
    shown(url) {
      const reached = resolve(url);
      return reached === url ? url : `${url}, reached at ${reached}`;
    },
    async requestToken(endpoint, form, client) {
      const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
      const body = new URLSearchParams(form);
      if (client.secret !== undefined) {
        // RFC 6749 2.3.1: both parts form-urlencoded before base64.
        const basic = `${encodeURIComponent(client.id)}:${encodeURIComponent(client.secret)}`;
        headers.authorization = `Basic ${Buffer.from(basic).toString('base64')}`;
      } else body.set('client_id', client.id);
      const response = await call(endpoint, { method: 'POST', headers, body });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // not JSON: kept as text for the error message
      }
      return { status: response.status, body: parsed };
    },
  };
}

/** A URL naming a stack service by its compose name and container port → that port's published URL. */
export function stackUrlResolver(endpoints: readonly Endpoint[]): (url: string) => string {
  return (url) => {
    const parsed = new URL(url);
    const port = Number(parsed.port || (parsed.protocol === 'https:' ? 443 : 80));
    const base = endpoints.find((e) => e.service === parsed.hostname && e.containerPort === port)?.url;
    if (!base) return url;
    const target = new URL(base);
    parsed.protocol = target.protocol;
    parsed.hostname = target.hostname;
    parsed.port = target.port;
    return parsed.toString();
  };
}
