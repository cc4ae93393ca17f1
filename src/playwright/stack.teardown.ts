import { existsSync } from 'node:fs';
import { test as teardown } from '@playwright/test';
import { attachCatalog } from '../coverage/catalog-step.ts';
import { currentEngine } from '../engine/current-engine.ts';
import { keptAtTeardown } from '../run/run-mode.ts';
import { readStackState } from '../stack/stack-state.ts';
import { composeTargetOf } from '../stack/stack-state-file.ts';
import { keepStack } from '../stack/started-stack.ts';
import { removeStack } from '../stack/teardown.ts';
import { failureMarkerExists } from './failure-marker.ts';
import { currentStackStateFile, stackOptionsFromEnv } from './stack-env.ts';

teardown('remove the stack', async ({}, testInfo) => {
  const options = stackOptionsFromEnv();
  const file = currentStackStateFile();
  if (!existsSync(file)) return; // the start failed and already removed everything
  const state = readStackState(file);
  const target = composeTargetOf(state);
  // After the journeys: the topics and queues they made the services create exist now (coverage).
  await attachCatalog(testInfo, state).catch((error: Error) =>
    process.stderr.write(`[journeys] warning: coverage catalog: ${error.message}\n`),
  );
  const keepReason = keptAtTeardown(options.mode, failureMarkerExists(options.projectName));
  if (keepReason) {
    const kept = keepStack(target, keepReason);
    const text = `Stack ${state.projectName} kept (${keepReason}). Look at it with:\n${kept.commands.map((c) => `  ${c}`).join('\n')}`;
    process.stderr.write(`[journeys] ${text}\n`);
    await testInfo.attach('kept-stack.txt', { body: text, contentType: 'text/plain' });
    return;
  }
  // The watchdog stands down once the state directory (and its run record) is gone.
  await removeStack(currentEngine(), target);
});
