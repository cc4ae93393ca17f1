import { errorText } from '../../util/error-text.ts';

export interface QueueInfo {
  readonly name: string;
  /** Management statistics lag by up to the collection interval (5 s by default). */
  readonly messages: number;
  readonly messages_ready: number;
  readonly messages_unacknowledged: number;
  readonly consumers: number;
  readonly exclusive: boolean;
}

/** The HTTP management API (port 15672), for what AMQP cannot do from a test: look at and purge queues. */
export class RabbitManagement {
  readonly #authorization: string;

  constructor(
    readonly baseUrl: string,
    user: string,
    password: string,
    readonly vhost = '/',
  ) {
    this.#authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  }

  async #request(method: 'GET' | 'DELETE', path: string): Promise<Response> {
    const url = `${this.baseUrl}/api/${path}`;
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: { authorization: this.#authorization },
        signal: AbortSignal.timeout(5_000),
      });
    } catch (error) {
      throw new Error(`RabbitMQ management API ${method} ${url} failed: ${errorText(error)}`, { cause: error });
    }
    return response;
  }

  async #json<T>(path: string): Promise<T> {
    const response = await this.#request('GET', path);
    if (!response.ok)
      throw new Error(`RabbitMQ management API GET ${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  }

  #queuePath(name: string): string {
    return `queues/${encodeURIComponent(this.vhost)}/${encodeURIComponent(name)}`;
  }

  async queues(): Promise<QueueInfo[]> {
    return (await this.#json<QueueInfo[]>(`queues/${encodeURIComponent(this.vhost)}`)).map(toQueueInfo);
  }

  async exchanges(): Promise<string[]> {
    const exchanges = await this.#json<{ name: string }[]>(`exchanges/${encodeURIComponent(this.vhost)}`);
    return exchanges.map((exchange) => exchange.name).filter((name) => name !== '' && !name.startsWith('amq.'));
  }

  async #missingQueue(name: string): Promise<Error> {
    const known = await this.queues().then(
      (queues) =>
        queues
          .filter((queue) => !queue.exclusive)
          .map((queue) => `"${queue.name}"`)
          .join(', '),
      () => '?',
    );
    return new Error(`No RabbitMQ queue "${name}" in vhost "${this.vhost}"; queues: ${known || 'none'}.`);
  }

  async queue(name: string): Promise<QueueInfo> {
    const response = await this.#request('GET', this.#queuePath(name));
    if (response.status === 404) throw await this.#missingQueue(name);
    if (!response.ok)
      throw new Error(`RabbitMQ management API GET queue "${name}": ${response.status} ${await response.text()}`);
    return toQueueInfo(await response.json());
  }

  /** Drops every ready message of a queue (not the unacknowledged ones: a consumer holds those). */
  async purge(name: string): Promise<void> {
    const response = await this.#request('DELETE', `${this.#queuePath(name)}/contents`);
    if (response.status === 404) throw await this.#missingQueue(name);
    if (!response.ok)
      throw new Error(`RabbitMQ management API purge of queue "${name}": ${response.status} ${await response.text()}`);
  }
}

function toQueueInfo(raw: unknown): QueueInfo {
  const queue = raw as Partial<QueueInfo> & { name: string };
  return {
    name: queue.name,
    messages: queue.messages ?? 0,
    messages_ready: queue.messages_ready ?? 0,
    messages_unacknowledged: queue.messages_unacknowledged ?? 0,
    consumers: queue.consumers ?? 0,
    exclusive: queue.exclusive ?? false,
  };
}
