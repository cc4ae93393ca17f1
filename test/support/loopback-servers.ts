// In-process HTTP servers on 127.0.0.1, listed as a stack's published ports would be.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Endpoint } from '../../src/stack/endpoints.ts';

/** Listens on an ephemeral loopback port; the port. */
export async function listenOnLoopback(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

export async function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}

/** A server of this process as the endpoint of `service`'s container port 8080. */
export function loopbackEndpoint(service: string, port: number): Endpoint {
  return { service, containerPort: 8080, protocol: 'tcp', host: '127.0.0.1', port, url: `http://127.0.0.1:${port}` };
}
