// Does a message match what a journey expects, and if none does, which came closest and why.

import type { z } from 'zod';
import { traceIdIn } from '../trace/trace-context.ts';
import { errorText } from '../util/error-text.ts';
import { describeOrigin } from './broker-kinds.ts';
import type { MessageSource } from './message-source.ts';
import type { RecordedMessage } from './recorded-message.ts';

export interface MessageExpectation<S extends z.ZodType = z.ZodType> {
  /** The payload must parse with it; `where` then sees the parsed value. */
  readonly schema?: S;
  /** The message this test is about (e.g. `(event) => event.orderId === order.id`). */
  readonly where?: (value: z.output<S>, message: RecordedMessage) => boolean;
  /** Kafka topic, or AMQP routing key. */
  readonly topic?: string;
}

/** Any expectation, whatever its schema: the checks below only call `where` with what the schema produced. */
// biome-ignore lint/suspicious/noExplicitAny: `where` is contravariant in the schema's output; any schema's expectation must fit here.
export type AnyExpectation = MessageExpectation<z.ZodType<any>>;

export interface Evaluation {
  readonly message: RecordedMessage;
  readonly matches: boolean;
  readonly topicMatches: boolean;
  /** `path: message` per zod issue; empty when there is no schema or it parsed. */
  readonly issues: readonly string[];
  readonly where: 'passed' | 'failed' | 'skipped' | { threw: string };
}

export function evaluate(message: RecordedMessage, expectation: AnyExpectation): Evaluation {
  const topicMatches = expectation.topic === undefined || expectation.topic === message.topic;
  let value = message.value;
  let issues: string[] = [];
  if (expectation.schema) {
    const parsed = expectation.schema.safeParse(message.value);
    if (parsed.success) value = parsed.data;
    else
      issues = parsed.error.issues.map(
        (issue) => `${issue.path.length ? issue.path.join('.') : '(root)'}: ${issue.message}`,
      );
  }
  // `where` runs even when the schema failed: "the message about my order, with a bad field" is the
  // most useful thing a failure message can show. It may then throw on the unparsed value.
  let where: Evaluation['where'] = 'skipped';
  if (expectation.where) {
    try {
      where = expectation.where(value, message) ? 'passed' : 'failed';
    } catch (error) {
      where = { threw: errorText(error) };
    }
  }
  const matches = topicMatches && issues.length === 0 && (where === 'passed' || where === 'skipped');
  return { message, matches, topicMatches, issues, where };
}

/**
 * Closest first: right topic before wrong topic, then `where` passed (it is about the right
 * entity) before `where` failed, then fewer zod issues; ties keep arrival order.
 */
export function rankClosest(evaluations: readonly Evaluation[]): Evaluation[] {
  const distance = (e: Evaluation) =>
    (e.topicMatches ? 0 : 1_000_000) + (e.where === 'passed' || e.where === 'skipped' ? 0 : 1_000) + e.issues.length;
  return evaluations
    .map((evaluation, index) => ({ evaluation, index }))
    .sort((a, b) => distance(a.evaluation) - distance(b.evaluation) || a.index - b.index)
    .map(({ evaluation }) => evaluation);
}

const MAX_VALUE_CHARS = 300;

export function formatValue(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS)}… (${text.length} chars)` : text;
}

/** `+120 ms orders.placed[0]@12 key=… correlation=…`: one line that says which message this is. */
export function formatMessageHeadline(message: RecordedMessage, startedAt: number): string {
  const parts = [`+${Math.max(0, message.receivedAt - startedAt)} ms`, describeOrigin(message)];
  if (message.key !== null) parts.push(`key=${message.key}`);
  if (message.correlationId) parts.push(`correlation=${message.correlationId}`);
  const trace = traceIdIn(message.headers);
  if (trace) parts.push(`trace=${trace}`);
  return parts.join(' ');
}

export function formatEvaluation(evaluation: Evaluation, startedAt: number): string {
  const verdicts: string[] = [];
  if (!evaluation.topicMatches) verdicts.push('other topic');
  if (evaluation.where === 'failed') verdicts.push('where ✗');
  else if (evaluation.where === 'passed') verdicts.push('where ✓');
  else if (typeof evaluation.where === 'object') verdicts.push(`where threw: ${evaluation.where.threw}`);
  if (evaluation.issues.length)
    verdicts.push(`schema ✗ (${evaluation.issues.length} issue${evaluation.issues.length > 1 ? 's' : ''})`);
  else verdicts.push('schema ✓');
  const lines = [`${formatMessageHeadline(evaluation.message, startedAt)} — ${verdicts.join(', ')}`];
  for (const issue of evaluation.issues.slice(0, 5)) lines.push(`    zod: ${issue}`);
  if (evaluation.issues.length > 5) lines.push(`    zod: … and ${evaluation.issues.length - 5} more`);
  lines.push(`    ${formatValue(evaluation.message.value)}`);
  return lines.join('\n');
}

/** Up to `limit` messages, closest first, numbered; says how many were left out. */
export function formatClosest(
  messages: readonly RecordedMessage[],
  expectation: AnyExpectation,
  startedAt: number,
  limit = 10,
): string {
  if (messages.length === 0) return 'Received no messages in this test.';
  const ranked = rankClosest(messages.map((message) => evaluate(message, expectation)));
  const shown = ranked
    .slice(0, limit)
    .map((evaluation, index) => `  ${index + 1}. ${formatEvaluation(evaluation, startedAt).replaceAll('\n', '\n   ')}`);
  const more = ranked.length > limit ? `\n  … and ${ranked.length - limit} more (see journey-timeline.md)` : '';
  return `Received ${messages.length} message${messages.length > 1 ? 's' : ''} in this test (closest first):\n${shown.join('\n')}${more}`;
}

/** `schema "orders.placed event", topic "orders.placed", where (e) => e.orderId === id`. */
export function describeExpectation(expectation: AnyExpectation): string {
  const parts: string[] = [];
  if (expectation.schema)
    parts.push(expectation.schema.description ? `schema "${expectation.schema.description}"` : 'the schema');
  if (expectation.topic !== undefined) parts.push(`topic "${expectation.topic}"`);
  if (expectation.where) {
    const source = expectation.where.toString().replace(/\s+/g, ' ');
    parts.push(`where ${source.length > 120 ? `${source.slice(0, 120)}…` : source}`);
  }
  return parts.length ? parts.join(', ') : 'any message';
}

/** The body of a "nothing matched" failure: what was expected, for how long, what came instead, and what the window left out. */
export function describeNoMatch(source: MessageSource, expectation: AnyExpectation, withinMs: number): string {
  const lines = [
    `${source.name}: no message matching ${describeExpectation(expectation)} within ${withinMs} ms.`,
    formatClosest(source.messages(), expectation, source.startedAt),
  ];
  const excluded = source.excluded().filter((message) => evaluate(message, expectation).matches);
  const why = source.explainExcluded(excluded);
  if (why) lines.push('', why);
  return lines.join('\n');
}
