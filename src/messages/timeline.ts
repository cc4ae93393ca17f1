// The evidence a failing test carries: what each tap saw, as a Markdown timeline.
import { describeOrigin, type RecordedMessage } from './recorded-message.ts';
import { formatValue } from './match.ts';

export interface TimelineSource {
  readonly name: string;
  readonly startedAt: number;
  messages(): readonly RecordedMessage[];
}

/** One row of a journey timeline: which tap, and the message. */
export interface TimelineEntry {
  readonly tap: string;
  readonly message: RecordedMessage;
}

/** Every tap's messages merged, ordered by the time this process received them. */
export function mergeTimeline(sources: readonly TimelineSource[]): TimelineEntry[] {
  return sources
    .flatMap((source) => source.messages().map((message) => ({ tap: source.name, message })))
    .sort((a, b) => a.message.receivedAt - b.message.receivedAt);
}

const cell = (text: string) => text.replaceAll('|', '\\|').replaceAll('\n', ' ');

/** Markdown table, time-ordered, offsets from the start of the test, correlation ids in their own column. */
export function formatTimelineMarkdown(title: string, entries: readonly TimelineEntry[], startedAt: number): string {
  const lines = [`# ${title}`, '', `Test started ${new Date(startedAt).toISOString()}; ${entries.length} message${entries.length === 1 ? '' : 's'}.`, ''];
  if (entries.length === 0) return [...lines, '_No messages were received._', ''].join('\n');
  lines.push('| +ms | tap | where | key | correlation id | payload |', '| ---: | --- | --- | --- | --- | --- |');
  for (const { tap, message } of entries) {
    const at = message.receivedAt - startedAt;
    lines.push(`| ${at} | ${cell(tap)} | ${cell(describeOrigin(message))} | ${cell(message.key ?? '')} | ${cell(message.correlationId ?? '')} | \`${cell(formatValue(message.value))}\` |`);
  }
  return [...lines, ''].join('\n');
}
