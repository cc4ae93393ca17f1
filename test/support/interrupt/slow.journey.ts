import { setTimeout as sleep } from 'node:timers/promises';
import { expect, test } from '@playwright/test';
import { readStackState } from 'compose-journeys/stack';
import { currentStackStateFile } from '../../../src/playwright/stack-env.ts';

for (const name of ['first', 'second']) {
  test(`a slow journey (${name})`, async () => {
    const state = readStackState(currentStackStateFile());
    expect(state.endpoints.some((endpoint) => endpoint.service === 'app')).toBe(true);
    process.stderr.write(`[journey] ${name} running\n`);
    await sleep(Number(process.env.INTERRUPT_JOURNEY_MS ?? 8_000));
  });
}
