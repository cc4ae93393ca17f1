// The local engine at another address: a proxy to its socket, counting the connections it carries. At
// tcp:// on loopback (the code paths of a remote engine, where everything goes through the docker CLI),
// or at a unix socket of the test's (a context's engine that is not /var/run/docker.sock).
import { type AddressInfo, connect, createServer } from 'node:net';

export interface EngineProxy {
  /** Where the engine is reached through the proxy: `tcp://127.0.0.1:…` or `unix://…`. */
  readonly dockerHost: string;
  connections(): number;
  close(): Promise<void>;
}

export async function engineProxy(unixSocket?: string): Promise<EngineProxy> {
  let connections = 0;
  const server = createServer((client) => {
    connections++;
    const engine = connect('/var/run/docker.sock');
    client.pipe(engine).pipe(client);
    client.on('error', () => engine.destroy()).on('close', () => engine.destroy());
    engine.on('error', () => client.destroy()).on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) =>
    unixSocket ? server.listen(unixSocket, resolve) : server.listen(0, '127.0.0.1', resolve),
  );
  return {
    dockerHost: unixSocket ? `unix://${unixSocket}` : `tcp://127.0.0.1:${(server.address() as AddressInfo).port}`,
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
      }),
  };
}
