// The journey's own lines of each service's log: those that carry one of its ids (its correlation id,
// its trace id), whatever the format: a JSON log's `trace_id`, `traceId` or `trace.id` field, or the id
// anywhere in a plain line. The story first; each service's whole window stays in its own attachment.

/** Per service, the lines of `logs` that hold one of `ids`; services with none are left out. */
export function journeyLogLines(logs: ReadonlyMap<string, string>, ids: readonly string[]): Map<string, string[]> {
  const wanted = [...new Set(ids.filter((id) => id.length >= 8))]; // a short id would match by chance
  const found = new Map<string, string[]>();
  if (wanted.length === 0) return found;
  for (const [service, log] of logs) {
    const lines = log.split('\n').filter((line) => wanted.some((id) => line.includes(id)));
    if (lines.length > 0) found.set(service, lines);
  }
  return found;
}

/** The attachment's text: a heading per service, its lines in order, and where the rest is. */
export function formatJourneyLogLines(
  found: ReadonlyMap<string, readonly string[]>,
  logs: ReadonlyMap<string, string>,
  ids: readonly string[],
): string {
  const sections = [...found].map(([service, lines]) => {
    const total = (logs.get(service) ?? '').split('\n').length;
    return `== ${service}: ${lines.length} of ${total} lines (all of them: logs-${service}.log)\n${lines.join('\n')}`;
  });
  return `Log lines that carry this journey's ids (${ids.join(', ')}), per service, in order.\n\n${sections.join('\n\n')}\n`;
}
