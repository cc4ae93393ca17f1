// What a worker's recorder (one Kafka consumer, one RabbitMQ queue) received, in arrival order. Each
// test reads it through its own tap (message-tap.ts). Waiting is push-based (resolved from
// `append`), so detection latency is the broker's delivery latency, not a polling interval.
import type { RecordedMessage } from './recorded-message.ts';

type Listener = { message(message: RecordedMessage): void; failed(error: Error): void };

export class MessageLog {
  readonly #entries: RecordedMessage[] = [];
  readonly #listeners = new Set<Listener>();
  #failure: Error | undefined;

  get length(): number {
    return this.#entries.length;
  }

  /** Set when the consumer behind the log stopped (crash, channel closed): waiting would only time out. */
  get failure(): Error | undefined {
    return this.#failure;
  }

  append(message: RecordedMessage): void {
    this.#entries.push(message);
    for (const listener of [...this.#listeners]) listener.message(message);
  }

  fail(error: Error): void {
    this.#failure ??= error;
    for (const listener of [...this.#listeners]) listener.failed(error);
  }

  slice(from: number, to?: number): RecordedMessage[] {
    return this.#entries.slice(from, to);
  }

  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
