// The one place a started stack's state turns into broker connections: the fixtures, the benches
// and the runner's own tests all reach Kafka and RabbitMQ through these, found by role.
import { Endpoints } from '../stack/endpoints.ts';
import { serviceForRole } from '../stack/service-roles.ts';
import type { StackState } from '../stack/stack-state.ts';
import { advertisedKafkaAddresses } from './kafka/advertised-address.ts';
import type { KafkaConnection } from './kafka/client.ts';

const KAFKA_PORT = 9092;
const AMQP_PORT = 5672;
const MANAGEMENT_PORT = 15672;

function environmentOf(state: StackState, service: string): Record<string, string | null> {
  return state.environment[service] ?? {};
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

/** The stack's Kafka broker as a host-side kafkajs client reaches it (advertised name → published port). */
export function kafkaConnectionOf(state: StackState, purpose = 'The Kafka tap'): KafkaConnection {
  const service = serviceForRole(state.roles, Object.keys(state.environment), 'kafka', purpose);
  const endpoints = new Endpoints(state.endpoints);
  const containerPort = publishedPort(endpoints, service, KAFKA_PORT, purpose);
  const endpoint = endpoints.get(service, containerPort);
  return {
    bootstrap: `${endpoint.host}:${endpoint.port}`,
    advertised: advertisedKafkaAddresses(service, containerPort, environmentOf(state, service)),
  };
}

export interface RabbitConnectionInfo {
  readonly service: string;
  /** `amqp://user:password@127.0.0.1:<published port>` */
  readonly url: string;
  /** The management API, when the service publishes it (the `-management` images). */
  readonly managementUrl: string | undefined;
  readonly user: string;
  readonly password: string;
}

/**
 * The stack's RabbitMQ: credentials from its environment (`RABBITMQ_DEFAULT_USER`/`_PASS`, or
 * bitnami's `RABBITMQ_USERNAME`/`_PASSWORD`); `guest` otherwise, which RabbitMQ only accepts from
 * loopback: set the credentials in the compose file.
 */
export function rabbitConnectionOf(state: StackState, purpose = 'The RabbitMQ tap'): RabbitConnectionInfo {
  const service = serviceForRole(state.roles, Object.keys(state.environment), 'rabbitmq', purpose);
  const env = environmentOf(state, service);
  const endpoints = new Endpoints(state.endpoints);
  const amqp = endpoints.get(service, publishedPort(endpoints, service, AMQP_PORT, purpose));
  const user = env.RABBITMQ_DEFAULT_USER ?? env.RABBITMQ_USERNAME ?? 'guest';
  const password = env.RABBITMQ_DEFAULT_PASS ?? env.RABBITMQ_PASSWORD ?? 'guest';
  const management = endpoints.all.find(
    (endpoint) => endpoint.service === service && endpoint.containerPort === MANAGEMENT_PORT,
  );
  return {
    service,
    url: `amqp://${encodeURIComponent(user)}:${encodeURIComponent(password)}@${amqp.host}:${amqp.port}`,
    managementUrl: management ? `http://${management.host}:${management.port}` : undefined,
    user,
    password,
  };
}
