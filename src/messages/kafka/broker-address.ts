// Lets host-side kafkajs clients talk to a broker inside a Compose stack.
//
// A broker advertises the address containers use (e.g. `kafka:9092`), and
// kafkajs reconnects to whatever Metadata/FindCoordinator advertise. From the
// host that name does not resolve and the port is published elsewhere (e.g.
// `127.0.0.1:49153`), so the socket factory below swaps the address at connect
// time. kafkajs calls it with { host, port, ssl, onConnect } and expects a
// connected-or-connecting net.Socket (see "Custom socket factory" in its docs).
import net from 'node:net';
import tls from 'node:tls';
import type { ISocketFactory } from 'kafkajs';

/** Same keep-alive as kafkajs's default socket factory. */
const KEEP_ALIVE_DELAY_MS = 60_000;

/** `host:port` advertised by the broker -> `host:port` reachable from here. */
export type BrokerAddressMap = Readonly<Record<string, string>>;

function splitAddress(address: string): { host: string; port: number } {
  const at = address.lastIndexOf(':');
  const port = Number(address.slice(at + 1));
  if (at <= 0 || !Number.isInteger(port) || port <= 0 || port > 65535) {
    throw new Error(`Invalid broker address "${address}", expected host:port`);
  }
  return { host: address.slice(0, at), port };
}

/**
 * Builds a kafkajs `socketFactory` that connects to `addresses[advertised]`.
 * Addresses that already are a mapping target (the usual bootstrap broker)
 * connect as-is; any other address throws, which kafkajs reports as a
 * KafkaJSConnectionError naming it.
 */
export function brokerAddressSocketFactory(addresses: BrokerAddressMap): ISocketFactory {
  const targets = new Map<string, { host: string; port: number }>();
  for (const [advertised, reachable] of Object.entries(addresses)) {
    splitAddress(advertised); // validate early, not on first connect
    targets.set(advertised, splitAddress(reachable));
    targets.set(reachable, splitAddress(reachable));
  }

  return ({ host, port, ssl, onConnect }) => {
    const address = `${host}:${port}`;
    const target = targets.get(address);
    if (!target) {
      const known = Object.keys(addresses).join(', ') || '(none)';
      throw new Error(`No host-reachable address for Kafka broker ${address}; known brokers: ${known}`);
    }
    // TLS still verifies the advertised name, not the published address.
    const socket = ssl
      ? tls.connect({ ...target, servername: net.isIP(host) ? undefined : host, ...ssl }, onConnect)
      : net.connect(target, onConnect);
    socket.setKeepAlive(true, KEEP_ALIVE_DELAY_MS);
    // kafkajs pipelines requests on one connection; with Nagle on, a request written while another
    // is unacknowledged waits for the broker's delayed ACK (~40 ms). Kafka's own clients disable it.
    socket.setNoDelay(true);
    return socket;
  };
}
