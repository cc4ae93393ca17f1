// Deprecation warnings: one per code per process, through Node's own channel (so --no-deprecation
// silences them and --throw-deprecation makes them throw, as for Node's own).

/** The codes already warned about, shared by every copy of the package a process loads (src and dist). */
const WARNED = Symbol.for('compose-journeys.deprecations');
const shared = globalThis as { [WARNED]?: Set<string> };
shared[WARNED] ??= new Set<string>();
const warned = shared[WARNED];

/** Emits a `DeprecationWarning` with `code`, the first time this process asks for that code. */
export function deprecate(code: string, message: string): void {
  if (warned.has(code)) return;
  warned.add(code);
  process.emitWarning(message, { type: 'DeprecationWarning', code });
}

/** Forgets which codes were warned about (for tests of the warning itself). */
export function resetDeprecations(): void {
  warned.clear();
}
