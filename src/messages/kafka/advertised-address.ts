// Which `host:port` a Kafka service in the stack advertises to clients, read from its resolved
// environment, so host-side clients can map it to the published port (kafka-broker-address.ts).

type Environment = Readonly<Record<string, string | null>>;

/** `PLAINTEXT://kafka:9092,CONTROLLER://:9093` → [{ name: 'PLAINTEXT', host: 'kafka', port: 9092 }, …]. */
function parseListeners(value: string): { name: string; host: string; port: number }[] {
  return value
    .split(',')
    .map((entry) => entry.trim().match(/^([A-Za-z0-9_-]+):\/\/\[?([^\]]*?)\]?:(\d+)$/))
    .filter((match): match is RegExpMatchArray => match !== null)
    .map(([, name, host, port]) => ({ name: name!, host: host!, port: Number(port) }));
}

/**
 * Addresses the broker advertises for the listener bound to `containerPort`:
 * - `KAFKA_ADVERTISED_LISTENERS` (apache/kafka; `KAFKA_CFG_` prefix for bitnami), the entry whose
 *   listener in `KAFKA_LISTENERS` binds `containerPort` (or, without `KAFKA_LISTENERS`, whose port is it);
 * - `KAFKA_ADVERTISED_HOST`/`_PORT` (the offline image, compose/offline/kafka);
 * - otherwise `service:containerPort`, what a broker on the Compose network is usually called.
 * Several may apply (an override swapping the image keeps the base environment): all are returned.
 */
export function advertisedKafkaAddresses(service: string, containerPort: number, environment: Environment): string[] {
  const addresses = new Set<string>();
  const advertised = environment.KAFKA_ADVERTISED_LISTENERS ?? environment.KAFKA_CFG_ADVERTISED_LISTENERS;
  if (advertised) {
    const bound = parseListeners(environment.KAFKA_LISTENERS ?? environment.KAFKA_CFG_LISTENERS ?? '');
    for (const listener of parseListeners(advertised)) {
      const binding = bound.find((candidate) => candidate.name === listener.name);
      if ((binding ? binding.port : listener.port) === containerPort && listener.host)
        addresses.add(`${listener.host}:${listener.port}`);
    }
  }
  if (environment.KAFKA_ADVERTISED_HOST)
    addresses.add(`${environment.KAFKA_ADVERTISED_HOST}:${environment.KAFKA_ADVERTISED_PORT ?? containerPort}`);
  if (addresses.size === 0) addresses.add(`${service}:${containerPort}`);
  return [...addresses];
}
