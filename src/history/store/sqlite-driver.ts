/**
 * The SQLite driver under the history store, behind the few calls the store makes: Node's built-in
 * `node:sqlite` (DatabaseSync). Nothing to build at install time, no install script to allow; it
 * needs Node >= 22.15 (24 and 26 included), where it is there without a flag.
 *
 * It is loaded when a store opens, never on import: a runner that only lists tests, or records into
 * PostgreSQL, does not touch it. Errors come out as SqliteError with SQLite's result code by name
 * (`SQLITE_BUSY`), whatever shape the driver gives them.
 */

export type SqliteValue = string | number | bigint | null | Uint8Array;
/** Positional values, or one object whose keys name `@name` parameters (without the `@`). */
export type SqliteParameters = SqliteValue[] | [Record<string, SqliteValue>];

export interface SqliteStatement {
  run(...parameters: SqliteParameters): void;
  get(...parameters: SqliteParameters): unknown;
  all(...parameters: SqliteParameters): unknown[];
}

export interface SqliteConnection {
  exec(sql: string): void;
  prepare(sql: string): SqliteStatement;
  /** `work` inside BEGIN IMMEDIATE … COMMIT (the write lock first, waiting up to the busy timeout); rolled back if it throws. */
  immediate<T>(work: () => T): T;
  readonly isOpen: boolean;
  close(): void;
}

export interface SqliteDriver {
  /** Opens (creating if missing, unless read-only) the file; a writer waits up to `busyTimeoutMs` for another one's lock. */
  open(file: string, options: { busyTimeoutMs: number; readOnly?: boolean }): SqliteConnection;
}

/** A driver's error, with SQLite's primary result code by name (`SQLITE_BUSY` also for SQLITE_BUSY_SNAPSHOT). */
export class SqliteError extends Error {
  constructor(
    message: string,
    readonly code: string,
    /** SQLite's extended result code, e.g. 517 for SQLITE_BUSY_SNAPSHOT. */
    readonly errcode: number,
    options: { cause: unknown },
  ) {
    super(message, options);
    this.name = 'SqliteError';
  }
}

/** The driver cannot be had in this Node: the store turns it into a message with the fixes. */
export class SqliteUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SqliteUnavailableError';
  }
}

/** SQLite's primary result codes (the low byte of an extended code), https://sqlite.org/rescode.html. */
const RESULT_CODES = [
  'OK',
  'ERROR',
  'INTERNAL',
  'PERM',
  'ABORT',
  'BUSY',
  'LOCKED',
  'NOMEM',
  'READONLY',
  'INTERRUPT',
  'IOERR',
  'CORRUPT',
  'NOTFOUND',
  'FULL',
  'CANTOPEN',
  'PROTOCOL',
  'EMPTY',
  'SCHEMA',
  'TOOBIG',
  'CONSTRAINT',
  'MISMATCH',
  'MISUSE',
  'NOLFS',
  'AUTH',
  'FORMAT',
  'RANGE',
  'NOTADB',
  'NOTICE',
  'WARNING',
] as const;

/**
 * node:sqlite throws `Error` with `code: 'ERR_SQLITE_ERROR'`, `errcode` (SQLite's extended result
 * code) and `errstr` (SQLite's text for it); the same on Node 22, 24 and 26. Anything else (a
 * closed database: ERR_INVALID_STATE; a bad argument) passes through as it is.
 */
export function fromNodeSqliteError(error: unknown): unknown {
  const { code, errcode } = (error ?? {}) as { code?: unknown; errcode?: unknown };
  if (!(error instanceof Error) || code !== 'ERR_SQLITE_ERROR' || typeof errcode !== 'number') return error;
  const name = RESULT_CODES[errcode & 0xff];
  return new SqliteError(error.message, name ? `SQLITE_${name}` : `SQLITE_ERROR_${errcode}`, errcode, {
    cause: error,
  });
}

/** The part of node:sqlite the driver uses (typed here: @types/node 20, which the package still lists, has none). */
interface NodeSqliteModule {
  DatabaseSync: new (
    file: string,
    options?: { readOnly?: boolean },
  ) => {
    exec(sql: string): void;
    prepare(sql: string): {
      run(...parameters: unknown[]): unknown;
      get(...parameters: unknown[]): unknown;
      all(...parameters: unknown[]): unknown[];
    };
    close(): void;
  };
}

type BuiltinLoader = (id: string) => unknown;

let loaded: SqliteDriver | undefined;

/**
 * node:sqlite, loaded on first use. Node 22 prints "ExperimentalWarning: SQLite is an experimental
 * feature" when it loads (22.15 to 22.23 at least; 24 and 26 do not): that one warning is dropped,
 * every other warning passes. `getBuiltin` is for tests.
 */
export function loadSqliteDriver(getBuiltin?: BuiltinLoader): SqliteDriver {
  if (loaded && !getBuiltin) return loaded;
  const load: BuiltinLoader | undefined =
    getBuiltin ?? (typeof process.getBuiltinModule === 'function' ? (id) => process.getBuiltinModule(id) : undefined);
  let sqlite: NodeSqliteModule | undefined;
  try {
    sqlite = withoutSqliteExperimentalWarning(() => load?.('node:sqlite') as NodeSqliteModule | undefined);
  } catch (error) {
    throw new SqliteUnavailableError(`node:sqlite could not be loaded: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (typeof sqlite?.DatabaseSync !== 'function')
    throw new SqliteUnavailableError(`Node ${process.version} has no built-in SQLite (node:sqlite)`);
  const driver = nodeSqliteDriver(sqlite);
  if (!getBuiltin) loaded = driver;
  return driver;
}

function withoutSqliteExperimentalWarning<T>(load: () => T): T {
  const emitWarning = process.emitWarning;
  process.emitWarning = function (this: NodeJS.Process, warning: string | Error, ...rest: unknown[]) {
    const type = typeof rest[0] === 'string' ? rest[0] : (rest[0] as { type?: unknown } | undefined)?.type;
    const text = typeof warning === 'string' ? warning : warning.message;
    if (type === 'ExperimentalWarning' && text.startsWith('SQLite is an experimental feature')) return;
    return Reflect.apply(emitWarning, this, [warning, ...rest]);
  } as typeof process.emitWarning;
  try {
    return load();
  } finally {
    process.emitWarning = emitWarning;
  }
}

function nodeSqliteDriver(sqlite: NodeSqliteModule): SqliteDriver {
  const translated = <T>(call: () => T): T => {
    try {
      return call();
    } catch (error) {
      throw fromNodeSqliteError(error);
    }
  };
  return {
    open(file, { busyTimeoutMs, readOnly = false }) {
      const db = translated(() => new sqlite.DatabaseSync(file, { readOnly }));
      let isOpen = true;
      try {
        // A pragma, not the constructor's `timeout` option: Node 22.15 ignores that option (22.23 honours it).
        translated(() => db.exec(`PRAGMA busy_timeout = ${Math.max(0, Math.round(busyTimeoutMs))}`));
      } catch (error) {
        db.close();
        throw error;
      }
      const connection: SqliteConnection = {
        exec: (sql) => translated(() => db.exec(sql)),
        prepare(sql) {
          const statement = translated(() => db.prepare(sql));
          return {
            run: (...parameters) => void translated(() => statement.run(...parameters)),
            get: (...parameters) => translated(() => statement.get(...parameters)),
            all: (...parameters) => translated(() => statement.all(...parameters)),
          };
        },
        immediate(work) {
          connection.exec('BEGIN IMMEDIATE');
          try {
            const result = work();
            connection.exec('COMMIT');
            return result;
          } catch (error) {
            try {
              db.exec('ROLLBACK');
            } catch {
              // SQLite already rolled back (some errors end the transaction themselves): nothing to undo.
            }
            throw error;
          }
        },
        get isOpen() {
          return isOpen;
        },
        close() {
          if (!isOpen) return;
          isOpen = false;
          translated(() => db.close());
        },
      };
      return connection;
    },
  };
}
