import { type DeclaredQuarantine, QUARANTINE_EXAMPLE } from './manual-quarantine.ts';

export interface DeclaredOnJourney {
  journeyId: string;
  /** `checkout.journey.ts:12`: where to fix it. */
  location: string;
  declared: DeclaredQuarantine;
}

/**
 * What fails a run whatever its journeys did: a declared quarantine that is expired or malformed
 * (it is not applied, so nobody can forget it), and more quarantined journeys than the cap
 * (quarantine must not hide the suite). One message each, naming the journey, the owner and the
 * fix. Expired fails the run even when the journey passed: the date was the owner's promise, and
 * a passing journey only needs its annotation removed.
 */
export function quarantineGate(options: {
  declared: readonly DeclaredOnJourney[];
  /** Journeys quarantined in this run (declared and by flake rate), each once. */
  quarantined: readonly string[];
  max?: number | undefined;
}): string[] {
  const messages: string[] = [];
  for (const { journeyId, location, declared } of options.declared) {
    if (declared.state === 'invalid')
      messages.push(
        `the quarantine of "${journeyId}" (${location}) is not applied: ${declared.problem}. Fix: say who fixes it, why, and by when: test('…', ${QUARANTINE_EXAMPLE}, …)`,
      );
    else if (declared.state === 'expired') {
      const { owner, until, reason } = declared.quarantine;
      messages.push(
        `the quarantine of "${journeyId}" (${location}) by ${owner} expired on ${until} (reason: ${reason}); it is no longer applied and the run fails. Fix: ${owner} fixes the journey and removes the annotation, or sets a later until=`,
      );
    }
  }
  if (options.max !== undefined && options.quarantined.length > options.max)
    messages.push(
      `${options.quarantined.length} journeys are quarantined in this run, more than quarantine.max (${options.max}): ${[...options.quarantined].sort().join(', ')}. Fix: fix some of them and end their quarantine, or raise quarantine.max (the reporter's option or JOURNEYS_HISTORY_QUARANTINE)`,
    );
  return messages;
}
