import type { IncidentRef } from './run-record.ts';

/**
 * The `incident` annotation a reader sees and the history parses back: one format, written and
 * read here only.
 *   `payments died at 2026-12-07T02:13:05.120Z (exit 137): incident payments@2026-12-07T02:13:05.120Z`
 */
const KIND_WORDS: Record<IncidentRef['kind'], string> = {
  died: 'died',
  restarted: 'restarted',
  oom: 'was OOM-killed',
  unhealthy: 'turned unhealthy',
};

export function formatIncident(ref: IncidentRef, tail = ''): string {
  const exit = ref.exitCode !== undefined ? ` (exit ${ref.exitCode})` : '';
  return `${ref.service} ${KIND_WORDS[ref.kind]} at ${ref.at}${exit}: incident ${ref.id}${tail ? `; ${tail}` : ''}`;
}

const PATTERN =
  /^(\S+) (died|restarted|was OOM-killed|turned unhealthy) at (\S+?)(?: \(exit (-?\d+)\))?: incident (\S+?)(?:;.*)?$/s;

export function parseIncident(text: string): IncidentRef | undefined {
  const match = PATTERN.exec(text.trim());
  if (!match) return undefined;
  const [, service, words, at, exit, id] = match;
  const kind = (Object.keys(KIND_WORDS) as IncidentRef['kind'][]).find((key) => KIND_WORDS[key] === words)!;
  return { id: id!, service: service!, kind, at: at!, ...(exit !== undefined ? { exitCode: Number(exit) } : {}) };
}
