// The local engine at a tcp:// address (a proxy on loopback to its socket): how a test gets the code paths
// of a remote engine (DOCKER_HOST=tcp://…), where everything goes through the docker CLI.
import { type AddressInfo, connect, createServer } from 'node:net';

export async function tcpEngine(): Promise<{ dockerHost: string; close(): Promise<void> }> {
  const server = createServer((client) => {
    const engine = connect('/var/run/docker.sock');
    client.pipe(engine).pipe(client);
    client.on('error', () => engine.destroy()).on('close', () => engine.destroy());
    engine.on('error', () => client.destroy()).on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    dockerHost: `tcp://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
      }),
  };
}
