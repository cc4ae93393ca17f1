// What a test holds: its window onto a worker's tap, plus look-ups that hand back parsed messages
// (the matchers assert; these let a journey use what arrived, e.g. to redeliver it).
import type { z } from 'zod';
import type { MessageSource, MessageWindow } from './message-log.ts';
import { describeNoMatch, evaluate, type MessageExpectation } from './match.ts';
import type { RecordedMessage } from './recorded-message.ts';

export interface Received<T> {
  /** The payload, parsed by the schema when one was given. */
  readonly value: T;
  readonly message: RecordedMessage;
}

export interface NextOptions<S extends z.ZodType> extends MessageExpectation<S> {
  /** Time budget in ms (default 5000). */
  readonly within?: number;
}

function parsedValue(message: RecordedMessage, schema: z.ZodType | undefined): unknown {
  return schema ? schema.parse(message.value) : message.value;
}

export class MessageTap implements MessageSource {
  constructor(private readonly window: MessageWindow) {}

  get name(): string {
    return this.window.name;
  }

  get startedAt(): number {
    return this.window.startedAt;
  }

  messages(): readonly RecordedMessage[] {
    return this.window.messages();
  }

  waitFor(predicate: (message: RecordedMessage) => boolean, timeoutMs: number): Promise<RecordedMessage | undefined> {
    return this.window.waitFor(predicate, timeoutMs);
  }

  excluded(): readonly RecordedMessage[] {
    return this.window.excluded();
  }

  explainExcluded(excluded: readonly RecordedMessage[]): string | undefined {
    return this.window.explainExcluded(excluded);
  }

  /** Matching messages of this test so far. */
  received<S extends z.ZodType = z.ZodType<unknown>>(expectation: MessageExpectation<S> = {}): Received<z.output<S>>[] {
    return this.messages()
      .filter((message) => evaluate(message, expectation).matches)
      .map((message) => ({ message, value: parsedValue(message, expectation.schema) as z.output<S> }));
  }

  /** The first matching message of this test, waiting up to `within`; throws like `toHaveReceived` when none comes. */
  async next<S extends z.ZodType = z.ZodType<unknown>>(options: NextOptions<S> = {}): Promise<Received<z.output<S>>> {
    const within = options.within ?? 5_000;
    const message = await this.waitFor((candidate) => evaluate(candidate, options).matches, within);
    if (!message) throw new Error(describeNoMatch(this, options, within));
    return { message, value: parsedValue(message, options.schema) as z.output<S> };
  }

  /** End of test: later messages belong to the next one. */
  close(): void {
    this.window.close();
  }
}
