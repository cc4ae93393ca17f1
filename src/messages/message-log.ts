// What a tap recorded, and the per-test window onto it that matchers read.
//
// A tap lives for the whole worker and appends to one log; each test gets a
// window that starts where the test started. Waiting is push-based (resolved
// from `append`), so detection latency is the broker's delivery latency, not a
// polling interval.
import type { RecordedMessage } from './recorded-message.ts';

/** What the matchers need from a tap: the messages of this test, and a way to wait for one. */
export interface MessageSource {
  /** Names the tap in failure messages and attachments, e.g. `kafka tap [orders.placed]`. */
  readonly name: string;
  /** When the window opened (ms since the epoch): timelines show offsets from it. */
  readonly startedAt: number;
  /** Messages of this test so far, in arrival order. */
  messages(): readonly RecordedMessage[];
  /**
   * Resolves with the first message of this test (already received or arriving within `timeoutMs`)
   * for which `predicate` is true, or `undefined` when the time is up. Rejects if the tap broke.
   */
  waitFor(predicate: (message: RecordedMessage) => boolean, timeoutMs: number): Promise<RecordedMessage | undefined>;
  /** Messages that arrived during the test but are not in its window (e.g. produced before it started). */
  excluded?(): readonly RecordedMessage[];
  /** Why such messages are left out, and how to let them in; undefined when there is nothing to say. */
  explainExcluded?(excluded: readonly RecordedMessage[]): string | undefined;
}

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

/** What decides which of the entries logged after a window opened belong to its test. */
export interface WindowRule {
  /** True for messages of this test (e.g. a Kafka timestamp at or after the test's start). */
  readonly accept: (message: RecordedMessage) => boolean;
  /**
   * Says why `excluded` messages (which arrived during the test, matched an expectation, yet were
   * left out) are not the test's, and what to change if they should be: a failure message quotes it.
   */
  readonly explainExcluded?: (excluded: readonly RecordedMessage[], startedAt: number) => string;
}

/**
 * The part of a log that belongs to one test: entries from `fromIndex` on (anything logged
 * before the test started is older) that the rule accepts.
 */
export class MessageWindow implements MessageSource {
  #endIndex: number | undefined;

  constructor(
    readonly name: string,
    private readonly log: MessageLog,
    private readonly fromIndex: number,
    private readonly rule: WindowRule = { accept: () => true },
    readonly startedAt: number = Date.now(),
  ) {}

  /** Entries that arrived while the window was open but that its rule left out. */
  excluded(): readonly RecordedMessage[] {
    return this.log.slice(this.fromIndex, this.#endIndex).filter((message) => !this.rule.accept(message));
  }

  explainExcluded(excluded: readonly RecordedMessage[]): string | undefined {
    return excluded.length && this.rule.explainExcluded ? this.rule.explainExcluded(excluded, this.startedAt) : undefined;
  }

  messages(): readonly RecordedMessage[] {
    return this.log.slice(this.fromIndex, this.#endIndex).filter((message) => this.rule.accept(message));
  }

  /** Freezes the window (end of test): later messages belong to the next test. */
  close(): void {
    this.#endIndex ??= this.log.length;
  }

  waitFor(predicate: (message: RecordedMessage) => boolean, timeoutMs: number): Promise<RecordedMessage | undefined> {
    const existing = this.messages().find(predicate);
    if (existing) return Promise.resolve(existing);
    if (this.log.failure) return Promise.reject(this.log.failure);
    if (this.#endIndex !== undefined) return Promise.resolve(undefined);
    return new Promise((resolve, reject) => {
      const done = (settle: () => void) => {
        clearTimeout(timer);
        unsubscribe();
        settle();
      };
      const unsubscribe = this.log.subscribe({
        message: (message) => {
          if (this.rule.accept(message) && predicate(message)) done(() => resolve(message));
        },
        failed: (error) => done(() => reject(error)),
      });
      const timer = setTimeout(() => done(() => resolve(undefined)), Math.max(0, timeoutMs));
    });
  }
}
