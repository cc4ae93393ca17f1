import type { RecordedMessage } from './recorded-message.ts';

/** What the matchers need from a tap: the messages of this test, and a way to wait for one. */
export interface MessageSource {
  /** Names the tap in failure messages, e.g. `kafka tap [orders.placed]`. */
  readonly name: string;
  /** When the window opened (ms since the epoch): failure texts show offsets from it. */
  readonly startedAt: number;
  /** Messages of this test so far, in arrival order. */
  messages(): readonly RecordedMessage[];
  /**
   * Resolves with the first message of this test (already received or arriving within `timeoutMs`)
   * for which `predicate` is true, or `undefined` when the time is up. Rejects if the recorder broke.
   */
  waitFor(predicate: (message: RecordedMessage) => boolean, timeoutMs: number): Promise<RecordedMessage | undefined>;
  /** Messages that arrived during the test but are not in its tap (produced before it, another journey's). */
  excluded(): readonly RecordedMessage[];
  /** Why such messages are left out, and how to let them in; undefined when there is nothing to say. */
  explainExcluded(excluded: readonly RecordedMessage[]): string | undefined;
}
