/**
 * Quarantine the user declares on a journey, with who owns it, why, and until when:
 *
 *   test('pays by card', {
 *     annotation: { type: 'quarantine', description: 'owner=@payments-team; until=2027-01-31; reason=flaky 3DS callback' },
 *   }, async () => { … });
 *
 * (on the test or its describe; the `@quarantine` tag may go with it). A quarantine is a promise
 * someone made to fix a journey by a date, so all three are required: without an owner nobody
 * fixes it, without an expiry it is forever. A declaration that breaks the promise (no owner, no
 * or a bad date, expired) is not applied, and the reporter fails the run naming the journey, the
 * owner and the fix.
 */

/** The annotation type the user declares; the worker fixture's own `quarantine` annotations are added at run time, after the reporter read these. */
export const QUARANTINE_ANNOTATION = 'quarantine';
/** The tag alone used to be enough; now it must come with the annotation. */
export const QUARANTINE_TAG = '@quarantine';
const KEYS = ['owner', 'until', 'reason'] as const;
type Key = (typeof KEYS)[number];

/** A declared quarantine, as parsed from its annotation. */
export interface ManualQuarantine {
  /** Who fixes it: a team handle, a person, an e-mail; free text. */
  owner: string;
  /** Last day (UTC) it holds: `YYYY-MM-DD`; from the next day on it fails the run. */
  until: string;
  /** Why it may fail meanwhile. */
  reason: string;
}

export type DeclaredQuarantine =
  | { state: 'none' }
  | { state: 'active'; quarantine: ManualQuarantine }
  | { state: 'expired'; quarantine: ManualQuarantine }
  | { state: 'invalid'; problem: string };

interface Declared {
  tags: readonly string[];
  annotations: readonly { type: string; description?: string }[];
}

export const QUARANTINE_EXAMPLE = `{ annotation: { type: '${QUARANTINE_ANNOTATION}', description: 'owner=@your-team; until=YYYY-MM-DD; reason=why it may fail for now' } }`;

/** What the test declares, judged on the run's day (UTC). */
export function declaredQuarantine(test: Declared, runDate: Date): DeclaredQuarantine {
  const annotations = test.annotations.filter((a) => a.type === QUARANTINE_ANNOTATION);
  const tagged = test.tags.includes(QUARANTINE_TAG);
  if (annotations.length === 0)
    return tagged
      ? {
          state: 'invalid',
          problem: `it is tagged ${QUARANTINE_TAG} without a '${QUARANTINE_ANNOTATION}' annotation, so it has no owner, expiry or reason`,
        }
      : { state: 'none' };
  if (annotations.length > 1)
    return {
      state: 'invalid',
      problem: `it has ${annotations.length} '${QUARANTINE_ANNOTATION}' annotations; keep one`,
    };
  const parsed = parseQuarantine(annotations[0]!.description);
  if ('problem' in parsed) return { state: 'invalid', problem: parsed.problem };
  // YYYY-MM-DD strings compare as dates; the quarantine holds through its `until` day.
  return parsed.until < runDate.toISOString().slice(0, 10)
    ? { state: 'expired', quarantine: parsed }
    : { state: 'active', quarantine: parsed };
}

/**
 * `owner=…; until=YYYY-MM-DD; reason=…`, in any order. A `;` splits only before another `key=`,
 * so a reason may hold one (`reason=timeouts; see #123`).
 */
export function parseQuarantine(description: string | undefined): ManualQuarantine | { problem: string } {
  const text = description?.trim() ?? '';
  if (!text) return { problem: 'its annotation has no description, so no owner, expiry or reason' };
  const values: Partial<Record<Key, string>> = {};
  const problems: string[] = [];
  for (const part of text.split(/;\s*(?=[A-Za-z]+\s*=)/)) {
    const match = /^\s*([A-Za-z]+)\s*=\s*(.*?)\s*;?\s*$/s.exec(part);
    if (!match) {
      problems.push(`cannot read "${part.trim()}" (write key=value pairs separated by ";")`);
      continue;
    }
    const key = match[1]!.toLowerCase();
    if (!(KEYS as readonly string[]).includes(key)) {
      problems.push(`unknown key "${match[1]}" (known: ${KEYS.join(', ')})`);
      continue;
    }
    if (values[key as Key] !== undefined) problems.push(`${key} is given twice`);
    values[key as Key] = match[2]!;
  }
  if (!values.owner) problems.push('it has no owner (owner=@team or a name)');
  if (!values.until) problems.push('it has no expiry (until=YYYY-MM-DD)');
  else if (!isDate(values.until)) problems.push(`until=${values.until} is not a date (YYYY-MM-DD)`);
  if (!values.reason) problems.push('it has no reason (reason=…)');
  if (problems.length) return { problem: problems.join('; ') };
  return { owner: values.owner!, until: values.until!, reason: values.reason! };
}

function isDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text; // not 2027-02-30
}

/** The reason stored and shown for an applied declaration. */
export function manualQuarantineReason(q: ManualQuarantine): string {
  return `${q.reason} (owner ${q.owner}, until ${q.until})`;
}
