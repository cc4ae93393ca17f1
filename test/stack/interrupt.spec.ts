import { expect, test } from '@playwright/test';
import { deadlineFor, runTrial, type Trial } from '../../bench/interrupt-trial.ts';

/**
 * The fast subset of `npm run trial:interrupt`: a journeys run under Playwright (the shop's wiring,
 * on the small built stack of test/stacks/interrupt) is interrupted, and nothing of it is left
 * within the deadlines (20 s, 30 s after a SIGKILL) — without any later run's help.
 */
const trials: (Trial & { title: string })[] = [
  { title: 'SIGINT to the process group during up', signal: 'SIGINT', target: 'group', phase: 'up' },
  { title: 'SIGINT to the runner alone during journeys', signal: 'SIGINT', target: 'runner', phase: 'journeys' },
  { title: 'SIGKILL to the process group during journeys', signal: 'SIGKILL', target: 'group', phase: 'journeys' },
];

for (const trial of trials) {
  test(`interrupted run: ${trial.title} leaves no container, network, volume or process`, async () => {
    test.setTimeout(120_000);
    const lines: string[] = [];
    // Clean and still clean 3 s later ends the wait early; the trial script waits the full deadline.
    const result = await runTrial(trial, { small: true, settleMs: 3_000, log: (line) => lines.push(line) });
    expect(result.reached, lines.join('\n')).toBe(true);
    expect(result.left, lines.join('\n')).toEqual({ containers: 0, networks: 0, volumes: 0, processes: 0 });
    expect(result.cleanAfter! * 1000).toBeLessThan(deadlineFor(trial.signal));
  });
}
