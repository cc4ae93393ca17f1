import { setTimeout as sleep } from 'node:timers/promises';

const REMOVE_ATTEMPTS = 20;
const REMOVE_RETRY_MS = 250;

/**
 * A removal the engine refused for now. Two removers of one stack at once are normal (a `down` or
 * `reap` while a watchdog or another run's reap sweeps): the second one's container removal gets a
 * 409 "already in progress" and must wait for it to end, or its network removal would find the
 * containers still attached (403 "active endpoints"). A 5xx can be the engine caught mid-way (a
 * healthcheck's exec ending as the container goes).
 */
export function worthAskingAgain(status: number, body: unknown): boolean {
  if (status >= 500 || status === 409) return true;
  return status === 403 && /active endpoints/i.test(JSON.stringify(body));
}

/** The engine's answer to one removal: done (or gone meanwhile), or refused, for now (`again`) or for good. */
export type Answer = { done: true } | { done: false; again: boolean; refusal: string };

/** Asks until done, REMOVE_RETRY_MS apart while the refusal is one for now; throws the last refusal. */
export async function askUntilRemoved(ask: () => Promise<Answer>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const answer = await ask();
    if (answer.done) return;
    if (!answer.again || attempt === REMOVE_ATTEMPTS) throw new Error(answer.refusal);
    await sleep(REMOVE_RETRY_MS);
  }
}
