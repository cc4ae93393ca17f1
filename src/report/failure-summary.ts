import type { PictureEffect } from './journey-picture.ts';

/**
 * The one block a reviewer reads first: the first annotation of a failed journey (the HTML report
 * shows annotations above the errors and the attachments), in one line that says the category, the
 * reason, the suspect or incident when there is one, whose logs to read, and the first effect that
 * went wrong. Each part is also an annotation or attachment of its own below it: this only gathers.
 */
export const SUMMARY_ANNOTATION = 'failure-summary';

export interface SummaryParts {
  category: string;
  reason: string;
  /** The incident it failed in, as its annotation says it. */
  incident?: string;
  /** The most likely suspect's text (the first `suspect` annotation). */
  suspect?: string;
  /** The services whose logs matter, and the attachment that holds each one's lines. */
  logs: readonly { service: string; attachments: readonly string[] }[];
  firstFailed?: PictureEffect;
  /** The effect before it: what the journey saw last when the first failed effect is its own failure. */
  before?: PictureEffect;
  /** Where the journey failed (whereItFailed): the failed expectation's step and line. */
  where?: string;
  /** The picture's attachment name, when it was drawn. */
  picture?: string;
}

const MAX_PART = 240;

function part(text: string): string {
  const line =
    text
      .split('\n')
      .find((candidate) => candidate.trim())
      ?.trim() ?? '';
  return line.length > MAX_PART ? `${line.slice(0, MAX_PART - 1)}…` : line;
}

export function failureSummary(parts: SummaryParts): string {
  const pieces = [`${parts.category}: ${part(parts.reason)}`];
  if (parts.incident) pieces.push(`incident: ${part(parts.incident)}`);
  if (parts.suspect) pieces.push(`suspect: ${part(parts.suspect)}`);
  if (parts.logs.length > 0)
    pieces.push(
      `logs: ${parts.logs.map(({ service, attachments }) => `${service} (${attachments.join(', ')})`).join(', ')}`,
    );
  const effectText = ({ n, lane, to, label }: PictureEffect) =>
    `#${n} ${to ? `${lane} → ${to}` : lane}: ${part(label)}`;
  if (parts.firstFailed?.kind === 'failure') {
    // Its own failure: the reason says what; this says where, and what it had seen last.
    const where = parts.where ? ` ${parts.where}` : '';
    const before = parts.before ? `, after ${effectText(parts.before)}` : '';
    pieces.push(`first failed effect: #${parts.firstFailed.n} the journey's failed expectation${where}${before}`);
  } else if (parts.firstFailed) pieces.push(`first failed effect: ${effectText(parts.firstFailed)}`);
  if (parts.picture) pieces.push(`picture: ${parts.picture}`);
  return pieces.join(' · ');
}

/**
 * Which services' logs a reviewer should open: those the failure points at (INFRA's, or those that
 * logged an error), else the one its first failed effect was on, else the one whose answer the
 * journey was judging: the last it called before that. Only services that logged in the window.
 */
export function servicesWhoseLogsMatter(
  failing: readonly string[],
  effects: readonly PictureEffect[],
  firstFailed: PictureEffect | undefined,
  logged: ReadonlySet<string>,
): string[] {
  if (failing.length > 0) return [...failing];
  const before = firstFailed ? effects.filter((effect) => effect.n <= firstFailed.n) : effects;
  const candidates = [
    firstFailed?.to ?? firstFailed?.lane,
    ...before
      .filter((effect) => effect.kind === 'call')
      .reverse()
      .map((effect) => effect.to),
  ];
  const found = candidates.find((service): service is string => service !== undefined && logged.has(service));
  return found ? [found] : [];
}
