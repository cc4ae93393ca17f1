import type { RecordedObservation } from './observations.ts';
import type { ContainerEvent } from './stack-evidence.ts';

interface TimelineEntry {
  at: Date;
  sequence: number;
  correlationId?: string;
  kind: string;
  summary: string;
  detail?: unknown;
}

/**
 * One Markdown page that puts every observed effect of a test in time order (HTTP calls, rows,
 * messages, container events), with its correlation id, so a reader follows the journey through the
 * stack in the report itself. Markdown because the HTML report shows text attachments inline.
 */
export function renderTimeline(
  title: string,
  since: Date,
  observations: readonly RecordedObservation[],
  events: readonly (ContainerEvent & { intended?: string })[],
): string {
  const entries: TimelineEntry[] = [
    ...observations,
    ...events.map((event, index) => ({
      at: event.at,
      sequence: -events.length + index,
      kind: 'container',
      summary: `${event.service} ${event.action}${event.exitCode ? ` (exit ${event.exitCode})` : ''}${event.intended ? ` (intended: ${event.intended})` : ''}`,
    })),
  ].sort((a, b) => a.at.getTime() - b.at.getTime() || a.sequence - b.sequence);

  const correlationIds = [
    ...new Set(entries.map((entry) => entry.correlationId).filter((id): id is string => Boolean(id))),
  ];
  const lines = [
    `# Journey timeline: ${title}`,
    '',
    `Started ${since.toISOString()}; ${entries.length} observed effects; correlation ids: ${correlationIds.map((id) => `\`${id}\``).join(', ') || 'none'}.`,
    '',
  ];
  if (entries.length === 0) {
    lines.push('Nothing was observed: the journey used no recording fixture (api, db, taps) before it failed.');
    return lines.join('\n');
  }
  lines.push('| # | +ms | time | correlation | kind | what |', '| ---: | ---: | --- | --- | --- | --- |');
  entries.forEach((entry, index) => {
    lines.push(
      `| ${index + 1} | ${entry.at.getTime() - since.getTime()} | ${entry.at.toISOString().slice(11, 23)} | ${cell(entry.correlationId ?? '')} | ${cell(entry.kind)} | ${cell(entry.summary)} |`,
    );
  });
  const detailed = entries.map((entry, index) => ({ entry, index })).filter(({ entry }) => entry.detail !== undefined);
  if (detailed.length > 0) {
    lines.push('', '## Details');
    for (const { entry, index } of detailed) {
      lines.push(
        '',
        `### ${index + 1}. ${entry.kind}: ${entry.summary}`,
        '',
        '```json',
        JSON.stringify(entry.detail, null, 2),
        '```',
      );
    }
  }
  return lines.join('\n');
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}
