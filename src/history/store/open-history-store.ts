import { fileURLToPath } from 'node:url';
import { readVariable } from '../../run/environment.ts';
import { HistoryDatabaseError } from './history-database-error.ts';
import type { HistoryAccess, HistoryStore } from './history-store.ts';
import { openPostgresHistoryStore } from './postgres-history-store.ts';
import { openSqliteHistoryStore } from './sqlite-history-store.ts';

/** Beside the HTML report: one folder to cache in CI, and `reports/` is already ignored by git. */
export const DEFAULT_HISTORY_FILE = 'reports/history.sqlite';

export type HistoryLocation = { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string };

export interface OpenHistoryOptions {
  /** `postgres://…`, a SQLite file path (`sqlite:` or `file:` prefixes allowed); default JOURNEYS_HISTORY_URL, then reports/history.sqlite (from the working directory). */
  url?: string;
  access?: HistoryAccess;
  /** SQLite: how long a writer waits for another; default JOURNEYS_HISTORY_BUSY_TIMEOUT_MS, then 10 s. */
  busyTimeoutMs?: number;
  /** PostgreSQL: how long to wait for a connection; default 5 s. */
  connectTimeoutMs?: number;
}

export function historyLocation(url: string | undefined = readVariable('historyUrl')): HistoryLocation {
  const value = url?.trim() || DEFAULT_HISTORY_FILE;
  if (/^postgres(ql)?:\/\//i.test(value)) return { kind: 'postgres', url: value };
  if (/^file:\/\//i.test(value)) return { kind: 'sqlite', file: fileURLToPath(value) };
  if (/^(sqlite|file):/i.test(value)) return { kind: 'sqlite', file: value.replace(/^(sqlite|file):/i, '') };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    throw new HistoryDatabaseError(
      'invalid-location',
      value.replace(/\/\/[^@/]*@/, '//***@'),
      'only PostgreSQL URLs and SQLite files are supported',
      'set JOURNEYS_HISTORY_URL to postgres://user:password@host:5432/db, or to a file path such as reports/history.sqlite',
    );
  }
  return { kind: 'sqlite', file: value };
}

export async function openHistoryStore(options: OpenHistoryOptions = {}): Promise<HistoryStore> {
  const location = historyLocation(options.url ?? readVariable('historyUrl'));
  const access = options.access ?? 'write';
  if (location.kind === 'postgres')
    return openPostgresHistoryStore({ url: location.url, access, connectTimeoutMs: options.connectTimeoutMs ?? 5_000 });
  const busyTimeoutMs = options.busyTimeoutMs ?? readVariable('historyBusyTimeoutMs') ?? 10_000;
  return openSqliteHistoryStore({ file: location.file, access, busyTimeoutMs });
}
