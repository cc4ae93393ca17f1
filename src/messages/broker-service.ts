// The one place a started stack's state turns into a broker's address: each kind's connection
// (kafka/stack-connection.ts, rabbit/stack-connection.ts) starts from the service found here by the
// kind's role (broker-kinds.ts), at the role's usual port.
import { type Endpoint, Endpoints } from '../stack/endpoints.ts';
import { ROLES, serviceForRole } from '../stack/service-roles.ts';
import type { StackState } from '../stack/stack-state.ts';
import type { BrokerKind } from './broker-kinds.ts';

export interface BrokerService {
  readonly service: string;
  /** Its resolved environment: credentials, advertised listeners. */
  readonly environment: Readonly<Record<string, string | null>>;
  /** Where the host reaches its usual port, or its only published one. */
  readonly endpoint: Endpoint;
  /** The stack's published ports, for a broker's others (RabbitMQ's management API). */
  readonly endpoints: Endpoints;
}

/** The container port a role's service publishes: its usual one, or its only one. */
function publishedPort(endpoints: Endpoints, service: string, usual: number, purpose: string): number {
  const ports = endpoints.all
    .filter((endpoint) => endpoint.service === service)
    .map((endpoint) => endpoint.containerPort);
  if (ports.includes(usual)) return usual;
  if (ports.length === 1) return ports[0]!;
  throw new Error(
    `${purpose}: service "${service}" publishes ${ports.length === 0 ? 'no port' : `ports ${ports.join(', ')} but not ${usual}`}. Publish it in the compose file, e.g. ports: ["127.0.0.1::${usual}"].`,
  );
}

/** The stack's broker of a kind, or an error that says how to name or publish it. */
export function brokerService(state: StackState, kind: BrokerKind, purpose: string): BrokerService {
  const service = serviceForRole(state.roles, Object.keys(state.environment), kind.role, purpose);
  const endpoints = new Endpoints(state.endpoints);
  const containerPort = publishedPort(endpoints, service, ROLES[kind.role].port, purpose);
  return {
    service,
    environment: state.environment[service] ?? {},
    endpoint: endpoints.get(service, containerPort),
    endpoints,
  };
}
