import type { StackState } from '../../stack/stack-state.ts';
import { brokerService } from '../broker-service.ts';
import { amqpKind } from './broker-kind.ts';

const MANAGEMENT_PORT = 15672;

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
  const { service, environment: env, endpoint: amqp, endpoints } = brokerService(state, amqpKind, purpose);
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
