// kafkajs clients that reach a broker inside the stack from the host, and fail fast (naming the
// broker) instead of retrying for minutes.
import type { Socket } from 'node:net';
import type kafkajsModule from 'kafkajs';
import type { ISocketFactory, Kafka } from 'kafkajs';
import { withDeadline } from '../../util/deadline.ts';
import { errorText } from '../../util/error-text.ts';
import { lazyRequire } from '../../util/lazy-require.ts';
import { brokerAddressSocketFactory } from './broker-address.ts';
import { dropKafkajsTimeoutWarning } from './timeout-warning.ts';

const kafkajs = lazyRequire<typeof kafkajsModule>('kafkajs');

export interface KafkaConnection {
  /** Where the host reaches the broker: the published port, e.g. `127.0.0.1:49153`. */
  readonly bootstrap: string;
  /** What the broker advertises inside the Compose network (e.g. `kafka:9092`); mapped to `bootstrap`. */
  readonly advertised: readonly string[];
  /** The whole first connect must finish within this, or fail naming the broker. Default 5000. */
  readonly connectTimeoutMs?: number;
}

export function describeBroker(connection: KafkaConnection): string {
  return `Kafka broker ${connection.advertised.join(', ')} (published at ${connection.bootstrap})`;
}

/** `sockets`, when given, collects every socket the client opens (to close them without waiting on a long poll). */
export function kafkaClient(connection: KafkaConnection, clientId: string, sockets?: Set<Socket>): Kafka {
  const mapped = brokerAddressSocketFactory(
    Object.fromEntries(connection.advertised.map((address) => [address, connection.bootstrap])),
  );
  const socketFactory: ISocketFactory = sockets
    ? (args) => {
        const socket = mapped(args);
        sockets.add(socket);
        socket.once('close', () => sockets.delete(socket));
        return socket;
      }
    : mapped;
  dropKafkajsTimeoutWarning();
  const { Kafka: KafkaClient, logLevel } = kafkajs();
  return new KafkaClient({
    clientId,
    brokers: [connection.bootstrap],
    socketFactory,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1_000,
    // A broker that accepts but never answers must not hold a request (or a disconnect) for kafkajs's default 30 s.
    requestTimeout: 5_000,
    retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 500 },
  });
}

/** `client.connect()` within the connection's deadline, or an error naming the broker and what to check. */
export async function connectWithin<T extends { connect(): Promise<void>; disconnect(): Promise<void> }>(
  client: T,
  connection: KafkaConnection,
  what: string,
): Promise<T> {
  const timeoutMs = connection.connectTimeoutMs ?? 5_000;
  try {
    await withDeadline(client.connect(), timeoutMs, () => new Error(`no answer within ${timeoutMs} ms`));
    return client;
  } catch (error) {
    // Not awaited: against a silent broker it waits for the in-flight request to time out.
    void client.disconnect().catch(() => {});
    throw new Error(
      `${what}: cannot reach ${describeBroker(connection)}: ${errorText(error)}. Is the stack running (npx journeys status)?`,
      { cause: error },
    );
  }
}
