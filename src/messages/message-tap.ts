// What a test holds: its tap onto a worker's recorder. The tap is a window (what arrived from the
// test's start to its end that the window's rule accepts), optionally narrowed to the journey (the
// messages carrying its correlation id); the matchers read it, and `received`/`next` hand back
// parsed messages for a journey to use (e.g. to redeliver one).
import type { z } from 'zod';
import { traceIdIn } from '../trace/trace-context.ts';
import { describeLocation, inScope, type JourneyScope } from './correlation.ts';
import { describeNoMatch, evaluate, formatMessageHeadline, type MessageExpectation } from './match.ts';
import type { MessageLog } from './message-log.ts';
import type { MessageSource } from './message-source.ts';
import type { RecordedMessage } from './recorded-message.ts';

/** What decides which of the entries logged after a window opened belong to its test. */
export interface WindowRule {
  /** True for messages of this test (e.g. a Kafka timestamp at or after the test's start). */
  readonly accept: (message: RecordedMessage) => boolean;
  /** Says why `excluded` messages are not the test's, and what to change if they should be. */
  readonly explainExcluded?: (excluded: readonly RecordedMessage[], startedAt: number) => string;
}

export interface Received<T> {
  /** The payload, parsed by the schema when one was given. */
  readonly value: T;
  readonly message: RecordedMessage;
}

export interface NextOptions<S extends z.ZodType> extends MessageExpectation<S> {
  /** Time budget in ms (default 5000). */
  readonly timeout?: number;
}

const ACCEPT_ALL: WindowRule = { accept: () => true };

export class MessageTap implements MessageSource {
  #endIndex: number | undefined;

  constructor(
    readonly name: string,
    private readonly log: MessageLog,
    /** Everything logged before it is older than the test. */
    private readonly fromIndex: number,
    private readonly rule: WindowRule = ACCEPT_ALL,
    readonly startedAt: number = Date.now(),
    /** Set when the tap is narrowed to one journey. */
    readonly scope?: JourneyScope,
  ) {}

  #belongs(message: RecordedMessage): boolean {
    return this.rule.accept(message) && (!this.scope || inScope(message, this.scope));
  }

  #arrived(): RecordedMessage[] {
    return this.log.slice(this.fromIndex, this.#endIndex);
  }

  messages(): readonly RecordedMessage[] {
    return this.#arrived().filter((message) => this.#belongs(message));
  }

  excluded(): readonly RecordedMessage[] {
    return this.#arrived().filter((message) => !this.#belongs(message));
  }

  explainExcluded(excluded: readonly RecordedMessage[]): string | undefined {
    if (excluded.length === 0) return undefined;
    const byRule = excluded.filter((message) => !this.rule.accept(message));
    const byScope = excluded.filter((message) => this.rule.accept(message));
    const parts: string[] = [];
    if (byRule.length > 0 && this.rule.explainExcluded) parts.push(this.rule.explainExcluded(byRule, this.startedAt));
    if (byScope.length > 0 && this.scope) parts.push(describeOutOfScope(byScope, this.scope, this.startedAt));
    return parts.length > 0 ? parts.join('\n\n') : undefined;
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
          if (this.#belongs(message) && predicate(message)) done(() => resolve(message));
        },
        failed: (error) => done(() => reject(error)),
      });
      const timer = setTimeout(() => done(() => resolve(undefined)), Math.max(0, timeoutMs));
    });
  }

  /** Matching messages of this test so far, parsed by the schema when one is given. */
  received<S extends z.ZodType = z.ZodType<unknown>>(expectation: MessageExpectation<S> = {}): Received<z.output<S>>[] {
    return this.messages()
      .filter((message) => evaluate(message, expectation).matches)
      .map((message) => ({ message, value: parsedValue(message, expectation.schema) as z.output<S> }));
  }

  /** The first matching message of this test, waiting up to `timeout`; throws like `toHaveReceived` when none comes. */
  async next<S extends z.ZodType = z.ZodType<unknown>>(options: NextOptions<S> = {}): Promise<Received<z.output<S>>> {
    const timeout = options.timeout ?? 5_000;
    const message = await this.waitFor((candidate) => evaluate(candidate, options).matches, timeout);
    if (!message) throw new Error(describeNoMatch(this, options, timeout));
    return { message, value: parsedValue(message, options.schema) as z.output<S> };
  }

  /** End of test: later messages belong to the next one. */
  close(): void {
    this.#endIndex ??= this.log.length;
  }
}

function parsedValue(message: RecordedMessage, schema: z.ZodType | undefined): unknown {
  return schema ? schema.parse(message.value) : message.value;
}

/** What a message carried of the journey marks: the failure shows it beside what the tap looked for. */
function carried(message: RecordedMessage): string {
  const traceId = traceIdIn(message.headers);
  const marks = [
    ...(traceId ? [`traceparent of trace ${traceId}`] : []),
    ...(message.correlationId ? [`correlation id ${message.correlationId}`] : []),
  ];
  return marks.length > 0 ? `(carries ${marks.join(', ')})` : '(carries no traceparent and no correlation id)';
}

function describeOutOfScope(excluded: readonly RecordedMessage[], scope: JourneyScope, startedAt: number): string {
  const shown = excluded
    .slice(0, 5)
    .map((message) => `  ${formatMessageHeadline(message, startedAt)} ${carried(message)}`);
  if (excluded.length > 5) shown.push(`  … and ${excluded.length - 5} more`);
  return (
    `${excluded.length} matching message${excluded.length === 1 ? '' : 's'} arrived during this test but carr${excluded.length === 1 ? 'ies' : 'y'} another journey's correlation id or none, ` +
    `${scope.traceId ? `and not this journey's trace id (${scope.traceId}, header traceparent) either, ` : ''}` +
    `so the tap (narrowed to this journey, ${scope.correlationId}, read from ${describeLocation(scope.location)}) left ${excluded.length === 1 ? 'it' : 'them'} out:\n${shown.join('\n')}\n` +
    "If they are this journey's, the service passes on neither the trace context (`traceparent`, as OpenTelemetry's instrumentations do) nor the correlation id: fix that, tell the tap where the id is (`test.use({ correlation: { headers: ['x-request-id'] } })`), " +
    "or widen the tap to every message of the test's window (`test.use({ tapScope: 'window' })`)."
  );
}
