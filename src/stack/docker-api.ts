import { request } from 'node:http';
import { JourneysError } from '../errors.ts';
import { engineAddress } from './engine-host.ts';

/**
 * The Docker Engine API over its unix socket, for the few calls where spawning the docker CLI once
 * per step costs more than the work (removing a stack: list, remove, list, remove...). Only where the
 * engine the docker CLI talks to (DOCKER_HOST, else the current context: Colima, Docker Desktop,
 * rootless) is a unix socket: anything else (tcp with TLS, ssh, a context not readable here) goes
 * through the CLI, which knows them all. Never a socket the CLI would not use.
 */
export function engineSocket(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const address = engineAddress(env);
  return address?.startsWith('unix://') ? address.slice('unix://'.length) : undefined;
}

export interface ApiResponse {
  status: number;
  body: unknown;
}

export function dockerApi(method: string, path: string, socketPath: string): Promise<ApiResponse> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, method, path, headers: { host: 'docker' } }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      res.on('end', () => {
        let body: unknown = text;
        try {
          body = text ? JSON.parse(text) : undefined;
        } catch {}
        resolve({ status: res.statusCode ?? 0, body });
      });
    });
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (['ENOENT', 'ECONNREFUSED', 'EACCES'].includes(error.code ?? '')) {
        reject(
          new JourneysError(
            'DOCKER_UNAVAILABLE',
            'The Docker engine is not reachable.',
            `${socketPath}: ${error.code}\n\nFix: start it (\`sudo systemctl start docker\`, or \`npx journeys provision\` on Debian/Ubuntu as root), then \`npx journeys doctor\`.`,
          ),
        );
      } else reject(error);
    });
    req.end();
  });
}

/** `?filters=` for label filters, as the API takes them. */
export function labelFilters(labels: readonly string[]): string {
  return `filters=${encodeURIComponent(JSON.stringify({ label: labels }))}`;
}
