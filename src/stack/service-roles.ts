import { namesOf } from '../util/names-of.ts';
import type { ResolvedConfig, ResolvedService } from './resolved-config.ts';

/** How a service of a role is recognized, and what the code that uses it needs to know. */
interface RoleDefinition {
  /** Matches the image's repository name (without registry and tag). */
  image: RegExp;
  /** Environment variables only this kind of server is configured with. */
  env: RegExp;
  /** Its usual container port: with a matching environment, a strong enough sign; and the one fixtures connect to. */
  port: number;
  /** A database or a broker: its ports are no API a first journey calls (a WireMock stands in for one, so it is not). */
  plumbing: boolean;
}

/**
 * The one list of roles: detection, package.json's "journeys.services", `stackProjects({ services })`
 * and the stack state workers read all take theirs from it, so a role added here is known everywhere.
 */
export const ROLES = {
  postgres: {
    image: /(^|[/-])(postgres|postgresql|postgis|timescaledb[\w-]*|pgvector)$/,
    env: /^(POSTGRES_PASSWORD|POSTGRES_HOST_AUTH_METHOD|POSTGRESQL_PASSWORD)$/,
    port: 5432,
    plumbing: true,
  },
  kafka: {
    image: /(^|[/-])(kafka|cp-kafka|cp-server|redpanda)$/,
    env: /^(KAFKA_ADVERTISED_LISTENERS|KAFKA_CFG_ADVERTISED_LISTENERS|KAFKA_ADVERTISED_HOST|KAFKA_PROCESS_ROLES)$/,
    port: 9092,
    plumbing: true,
  },
  rabbitmq: {
    image: /(^|[/-])rabbitmq$/,
    env: /^(RABBITMQ_DEFAULT_USER|RABBITMQ_DEFAULT_PASS|RABBITMQ_USERNAME)$/,
    port: 5672,
    plumbing: true,
  },
  wiremock: { image: /(^|[/-])wiremock$/, env: /^WIREMOCK_/, port: 8080, plumbing: false },
} satisfies Record<string, RoleDefinition>;

/**
 * What a service is, whatever it is called: fixtures find the database, the brokers and the HTTP
 * mocks of a stack by role, so a team's `catalog-db` or `events` works without configuration.
 */
export const SERVICE_ROLES = namesOf(ROLES);
export type ServiceRole = (typeof SERVICE_ROLES)[number];

/** The label that says a service's role in the compose file itself: `dev.compose-journeys.role: postgres`. */
export const ROLE_LABEL = 'dev.compose-journeys.role';

/**
 * `"journeys": { "services": { "rabbitmq": "broker" } }` in package.json, or `stackProjects({ services })`:
 * names services for a role when detection is not enough (several candidates, a home-grown image).
 */
export type RoleOverrides = { [role in ServiceRole]?: string | string[] | undefined };

export type ServiceRoles = Record<ServiceRole, string[]>;

/**
 * zod's `error` option for an object keyed by role (package.json's "journeys.services", the stack
 * state's roles): a key that is no role is named, with the roles there are. The issue is typed by
 * hand: the CLI reads package.json through this file without loading zod.
 */
export function unknownRoleError(issue: { code?: string; keys?: readonly string[] }): string | undefined {
  if (issue.code !== 'unrecognized_keys' || !issue.keys) return undefined;
  const named = issue.keys.map((key) => `"${key}"`).join(', ');
  return `${named} ${issue.keys.length === 1 ? 'is not a service role' : 'are not service roles'}; the roles are ${SERVICE_ROLES.join(', ')}.`;
}

/** `docker.io/library/postgres:15.10` → `postgres`, `compose-journeys/kafka:offline` → `compose-journeys/kafka`. */
function repository(image: string): string {
  const withoutDigest = image.split('@')[0]!;
  const lastColon = withoutDigest.lastIndexOf(':');
  const withoutTag = lastColon > withoutDigest.lastIndexOf('/') ? withoutDigest.slice(0, lastColon) : withoutDigest;
  return withoutTag
    .replace(/^[^/]+\.[^/]+\//, '')
    .replace(/^library\//, '')
    .toLowerCase();
}

function containerPorts(service: ResolvedService): number[] {
  const exposed = ((service as { expose?: (string | number)[] }).expose ?? []).map((port) =>
    Number.parseInt(String(port), 10),
  );
  return [...(service.ports ?? []).map((port) => port.target), ...exposed];
}

function hasRole(service: ResolvedService, role: ServiceRole): boolean {
  const label = service.labels?.[ROLE_LABEL];
  if (label) return label === role;
  const signature = ROLES[role];
  if (service.image && signature.image.test(repository(service.image))) return true;
  const configured = Object.keys(service.environment ?? {}).some((name) => signature.env.test(name));
  return configured && containerPorts(service).includes(signature.port);
}

/**
 * Services per role, in the compose file's order. Overrides replace detection for their role
 * entirely (and must name services that exist).
 */
export function detectRoles(config: ResolvedConfig, overrides: RoleOverrides = {}): ServiceRoles {
  const names = Object.keys(config.services);
  const roles = {} as ServiceRoles;
  for (const role of SERVICE_ROLES) {
    const override = overrides[role];
    if (override !== undefined) {
      const chosen = Array.isArray(override) ? override : [override];
      const unknown = chosen.filter((name) => !names.includes(name));
      if (unknown.length > 0) {
        throw new Error(
          `journeys.services.${role} names ${unknown.map((n) => `"${n}"`).join(', ')}, which the stack does not have. Services: ${names.join(', ')}.`,
        );
      }
      roles[role] = chosen;
    } else {
      roles[role] = names.filter((name) => hasRole(config.services[name]!, role));
    }
  }
  return roles;
}

/** The one service of a role a fixture needs, or an error that lists the stack's services and how to name the right one. */
export function serviceForRole(
  roles: ServiceRoles,
  allServices: readonly string[],
  role: ServiceRole,
  purpose: string,
): string {
  const found = roles[role];
  if (found.length === 1) return found[0]!;
  const how = `Name it in package.json ("journeys": { "services": { "${role}": "<service>" } }), in stackProjects({ services: { ${role}: '<service>' } }), or with the label ${ROLE_LABEL}: ${role} on the service.`;
  if (found.length === 0) {
    throw new Error(
      `${purpose} needs a ${role} service, and the stack has none that looks like one (by image, environment or port). Services: ${allServices.join(', ')}. ${how}`,
    );
  }
  throw new Error(
    `${purpose} needs one ${role} service, and the stack has ${found.length}: ${found.join(', ')}. ${how}`,
  );
}
