import type { ContainerState } from '../engine/container-state.ts';
import { type EngineEndpoint, publishedPortsHost } from '../engine/endpoint.ts';

/** A published port as the host reaches it (validated where it is read back: stack-state.ts). */
export interface Endpoint {
  service: string;
  containerPort: number;
  protocol: string;
  host: string;
  port: number;
  url: string;
}

/** URL schemes for well-known container ports; anything else is assumed to speak HTTP. */
const SCHEMES: Record<number, string> = {
  5432: 'postgresql',
  5672: 'amqp',
  6379: 'redis',
  9092: 'kafka',
  27017: 'mongodb',
};

/**
 * Every published port, as this machine reaches it: a port on all interfaces at 127.0.0.1 for a local
 * engine, at the engine's host for a remote one (DOCKER_HOST or a context at tcp:// or ssh://).
 */
export function endpointsOf(containers: readonly ContainerState[], engine: EngineEndpoint): Endpoint[] {
  const allInterfaces = publishedPortsHost(engine);
  const seen = new Set<string>();
  const endpoints: Endpoint[] = [];
  for (const container of containers) {
    for (const binding of container.published) {
      const host =
        binding.hostIp === '' || binding.hostIp === '0.0.0.0' || binding.hostIp === '::'
          ? allInterfaces
          : binding.hostIp;
      if (host.includes(':')) continue; // the IPv6 twin of an IPv4 binding
      const key = `${container.service}/${binding.containerPort}/${binding.protocol}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const scheme = SCHEMES[binding.containerPort] ?? 'http';
      endpoints.push({
        service: container.service,
        containerPort: binding.containerPort,
        protocol: binding.protocol,
        host,
        port: binding.hostPort,
        url: `${scheme}://${host}:${binding.hostPort}`,
      });
    }
  }
  return endpoints.sort((a, b) => a.service.localeCompare(b.service) || a.containerPort - b.containerPort);
}

/** Look-ups by service name, with errors that list what exists instead of `undefined`. */
export class Endpoints {
  constructor(readonly all: readonly Endpoint[]) {}

  get(service: string, containerPort?: number): Endpoint {
    const mine = this.all.filter((endpoint) => endpoint.service === service);
    if (mine.length === 0) {
      const services = [...new Set(this.all.map((endpoint) => endpoint.service))];
      throw new Error(
        `No published port for service "${service}". Services with published ports: ${services.join(', ') || 'none'}. Publish one in the compose file, e.g. ports: ["127.0.0.1::8080"].`,
      );
    }
    if (containerPort === undefined) {
      if (mine.length > 1)
        throw new Error(
          `Service "${service}" publishes ${mine.map((e) => e.containerPort).join(', ')}: say which container port you mean.`,
        );
      return mine[0]!;
    }
    const found = mine.find((endpoint) => endpoint.containerPort === containerPort);
    if (!found)
      throw new Error(
        `Service "${service}" does not publish container port ${containerPort}; it publishes ${mine.map((e) => e.containerPort).join(', ')}.`,
      );
    return found;
  }

  url(service: string, containerPort?: number): string {
    return this.get(service, containerPort).url;
  }
}
