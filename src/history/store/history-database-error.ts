/**
 * A history database that cannot be used. The run goes on without history; the message says which
 * database and what to do, and nothing that was recorded is touched.
 */
export type HistoryProblem =
  | 'locked'
  | 'corrupt'
  | 'newer-schema'
  | 'unreachable'
  | 'refused'
  | 'not-found'
  | 'unwritable'
  | 'driver-missing'
  | 'invalid-location';

export class HistoryDatabaseError extends Error {
  constructor(
    readonly problem: HistoryProblem,
    readonly database: string,
    what: string,
    readonly fix: string,
    options?: { cause?: unknown },
  ) {
    super(`history database ${database}: ${what}. Fix: ${fix}`, options);
    this.name = 'HistoryDatabaseError';
  }
}

/** A driver's error as one line (pg and sqlite-driver.ts's SqliteError put the useful part in `message` and `code`). */
export function causeText(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return causeText(error.errors[0]);
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    const firstLine = (error.message || error.name).split('\n')[0]!.trim();
    return `${firstLine}${typeof code === 'string' && !firstLine.includes(code) ? ` (${code})` : ''}`;
  }
  return String(error);
}
