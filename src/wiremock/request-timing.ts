// When the matching requests reached WireMock, judged: the gaps between consecutive ones (a retry's
// backoff) and a quiet period after one of them (a circuit breaker that opened). Pure: it takes
// WireMock's `loggedDate` of each matching request, so WireMock's own clock measures every gap.

/** Rules for the gaps between consecutive matching requests, in ms. */
export interface RequestGaps {
  /** Every gap at least this long (ms). */
  readonly atLeast?: number;
  /** Every gap at most this long (ms). */
  readonly atMost?: number;
  /** Each gap at least this many times the one before: `1.5` for a backoff that grows by half each time. */
  readonly growing?: number;
}

/** No matching request for `for` ms after one of them. */
export interface RequestQuiet {
  /** How long no matching request may arrive (ms). */
  readonly for: number;
  /**
   * After the n-th matching request (1 = the first). Default: with `times`, the times-th; without, the
   * last one received when the matcher has found what it waits for.
   */
  readonly after?: number;
}

export interface RequestTiming {
  readonly gaps?: RequestGaps;
  readonly quiet?: RequestQuiet;
}

export interface TimingVerdict {
  /** One line per broken rule, saying by how much. None: the timing holds. */
  readonly violations: readonly string[];
  /** Every request: its time since the test started and its gap from the one before; broken ones marked ✗. */
  readonly table: string;
}

const GAP_KEYS = ['atLeast', 'atMost', 'growing'] as const;
const QUIET_KEYS = ['for', 'after'] as const;

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function unknownKeys(value: Record<string, unknown>, known: readonly string[], option: string): void {
  const unknown = Object.keys(value).filter((key) => !known.includes(key));
  if (unknown.length > 0)
    throw new Error(
      `toHaveReceived(request, { ${option} }): unknown field${unknown.length > 1 ? 's' : ''} ${unknown.map((key) => `"${key}"`).join(', ')}; ${option} has ${known.join(', ')}.`,
    );
}

function assertNumber(value: unknown, option: string, rule: string, ok: (n: number) => boolean): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || !ok(value))
    throw new Error(`toHaveReceived(request, { ${option} }): ${rule}, got ${JSON.stringify(value) ?? String(value)}.`);
}

/**
 * The timing options of `toHaveReceived`, checked: a rule that cannot mean anything, or that `times`
 * makes impossible, throws naming the option. `undefined` when there is none.
 */
export function requestTimingOf(options: {
  readonly times?: number;
  readonly gaps?: unknown;
  readonly quiet?: unknown;
}): RequestTiming | undefined {
  const { times, gaps, quiet } = options;
  if (gaps === undefined && quiet === undefined) return undefined;
  if (gaps !== undefined) {
    if (!isPlainObject(gaps) || !GAP_KEYS.some((key) => gaps[key] !== undefined))
      throw new Error(
        `toHaveReceived(request, { gaps }): an object with atLeast, atMost (ms) or growing (a factor), e.g. { growing: 1.5 }; got ${JSON.stringify(gaps)}.`,
      );
    unknownKeys(gaps, GAP_KEYS, 'gaps');
    if (gaps.atLeast !== undefined)
      assertNumber(gaps.atLeast, 'gaps: { atLeast }', 'a number of ms ≥ 0', (n) => n >= 0);
    if (gaps.atMost !== undefined) assertNumber(gaps.atMost, 'gaps: { atMost }', 'a number of ms ≥ 0', (n) => n >= 0);
    if (gaps.growing !== undefined)
      assertNumber(
        gaps.growing,
        'gaps: { growing }',
        'a factor > 0 (each gap at least this many times the one before)',
        (n) => n > 0,
      );
    if (gaps.atLeast !== undefined && gaps.atMost !== undefined && (gaps.atLeast as number) > (gaps.atMost as number))
      throw new Error(
        `toHaveReceived(request, { gaps: { atLeast, atMost } }): atLeast (${gaps.atLeast} ms) is more than atMost (${gaps.atMost} ms); no gap can keep both.`,
      );
    if (times !== undefined && times < 2)
      throw new Error(
        `toHaveReceived(request, { times: ${times}, gaps }): gaps are between requests, so they need times ≥ 2.`,
      );
  }
  if (quiet !== undefined) {
    if (!isPlainObject(quiet) || quiet.for === undefined)
      throw new Error(
        `toHaveReceived(request, { quiet }): { for: ms, after?: n }, e.g. { for: 3000 }; got ${JSON.stringify(quiet)}.`,
      );
    unknownKeys(quiet, QUIET_KEYS, 'quiet');
    assertNumber(quiet.for, 'quiet: { for }', 'a number of ms > 0', (n) => n > 0);
    if (quiet.after !== undefined)
      assertNumber(
        quiet.after,
        'quiet: { after }',
        'a whole number ≥ 1 (after the n-th request)',
        (n) => Number.isInteger(n) && n >= 1,
      );
    if (times === 0)
      throw new Error('toHaveReceived(request, { times: 0, quiet }): no request to be quiet after; drop quiet.');
    if (times !== undefined && quiet.after !== undefined && (quiet.after as number) > times)
      throw new Error(
        `toHaveReceived(request, { times: ${times}, quiet: { after: ${quiet.after} } }): after must be ≤ times (request ${quiet.after} of ${times} never comes).`,
      );
  }
  return { gaps: gaps as RequestGaps | undefined, quiet: quiet as RequestQuiet | undefined };
}

/** `{ growing: 1.5 }`, `{ for: 3000, after: 5 }`: a rule as it was written. */
export function describeTimingRule(rule: RequestGaps | RequestQuiet): string {
  return `{ ${Object.entries(rule)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${key}: ${value}`)
    .join(', ')} }`;
}

/** 300 ms, 301.5 ms: whole milliseconds as they are, a fraction to one decimal. */
const ms = (value: number): string => `${Number.isInteger(value) ? value : Number(value.toFixed(1))} ms`;
const offset = (at: number, startedAt: number): string =>
  `${at >= startedAt ? '+' : '-'}${ms(Math.abs(at - startedAt))}`;
const wasWere = (count: number) => (count === 1 ? 'was 1' : `were ${count}`);

/**
 * The timing of the matching requests (their `loggedDate`s, oldest first) against the rules. Gap n is
 * the one between request n and n + 1. The quiet period starts at request `quiet.after` (default:
 * the last); `startedAt` is when the test started, for the table's `+1234 ms`; `labels`, what each
 * request was (`POST /v1/charges`).
 */
export function judgeRequestTiming(
  loggedDates: readonly number[],
  timing: RequestTiming,
  context: { readonly startedAt: number; readonly labels?: readonly string[] },
): TimingVerdict {
  const dates = [...loggedDates];
  const violations: string[] = [];
  const broken = new Set<number>(); // 0-based requests the table marks
  const gapOf = (index: number) => dates[index]! - dates[index - 1]!;

  const { gaps, quiet } = timing;
  if (gaps) {
    if (dates.length < 2) violations.push(`gaps need at least 2 matching requests; there ${wasWere(dates.length)}.`);
    for (let index = 1; index < dates.length; index++) {
      const gap = gapOf(index);
      const name = `gap ${index} (${ms(gap)})`;
      if (gaps.atLeast !== undefined && gap < gaps.atLeast) {
        violations.push(`${name} is not ≥ ${ms(gaps.atLeast)} (${ms(gaps.atLeast - gap)} short)`);
        broken.add(index);
      }
      if (gaps.atMost !== undefined && gap > gaps.atMost) {
        violations.push(`${name} is not ≤ ${ms(gaps.atMost)} (${ms(gap - gaps.atMost)} over)`);
        broken.add(index);
      }
      if (gaps.growing !== undefined && index >= 2) {
        const previous = gapOf(index - 1);
        const needed = gaps.growing * previous;
        if (gap < needed) {
          violations.push(
            `${name} is not ≥ ${gaps.growing} × gap ${index - 1} (${ms(previous)}) = ${ms(needed)} (${ms(needed - gap)} short)`,
          );
          broken.add(index);
        }
      }
    }
  }

  let quietLine: { after: number; text: string } | undefined;
  if (quiet) {
    const after = quiet.after ?? dates.length;
    if (after < 1 || after > dates.length) {
      violations.push(`quiet after request ${after}: there ${wasWere(dates.length)}.`);
    } else {
      const from = dates[after - 1]!;
      quietLine = {
        after,
        text: `quiet for ${ms(quiet.for)} after request ${after}, until ${offset(from + quiet.for, context.startedAt)}`,
      };
      for (let index = after; index < dates.length; index++) {
        const since = dates[index]! - from;
        if (since < quiet.for) {
          violations.push(
            `request ${index + 1} (${offset(dates[index]!, context.startedAt)}) came ${ms(since)} after request ${after}, inside the ${ms(quiet.for)} that were to be quiet (${ms(quiet.for - since)} early)`,
          );
          broken.add(index);
        }
      }
    }
  }

  const rows = dates.map((date, index) => ({
    number: `${index + 1}.`,
    at: offset(date, context.startedAt),
    gap: index === 0 ? '' : `gap ${index}: ${ms(gapOf(index))}`,
    mark: broken.has(index) ? '✗' : ' ',
    label: context.labels?.[index] ?? '',
  }));
  const width = (pick: (row: (typeof rows)[number]) => string) => Math.max(0, ...rows.map((row) => pick(row).length));
  const [numberWidth, atWidth, gapWidth] = [width((r) => r.number), width((r) => r.at), width((r) => r.gap)];
  const lines: string[] = [];
  rows.forEach((row, index) => {
    lines.push(
      `  ${row.number.padStart(numberWidth)} ${row.at.padStart(atWidth)}  ${row.gap.padEnd(gapWidth)} ${row.mark} ${row.label}`.trimEnd(),
    );
    if (quietLine && quietLine.after === index + 1) lines.push(`  ${' '.repeat(numberWidth)} ┄ ${quietLine.text}`);
  });
  return { violations, table: lines.length > 0 ? lines.join('\n') : '  (none)' };
}
