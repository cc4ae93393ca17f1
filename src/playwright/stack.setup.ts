import path from 'node:path';
import { test as setup } from '@playwright/test';
import { attachCatalog } from '../coverage/catalog-step.ts';
import { currentEngine } from '../engine/current-engine.ts';
import { JourneysError } from '../errors.ts';
import { FINGERPRINT_ATTACHMENT } from '../history/annotations.ts';
import { collectFingerprint } from '../history/fingerprint/collect-fingerprint.ts';
import { writeFingerprint } from '../history/fingerprint/fingerprint-file.ts';
import { CATEGORY_ANNOTATION, type FailureCategory } from '../report/failure-category.ts';
import { redactingAttach, stackRedactor } from '../report/redaction.ts';
import { keptWhateverHappens } from '../run/run-mode.ts';
import { formatFinding, lintDefinition } from '../stack/lint.ts';
import { defineStackFor, serviceEnvironments } from '../stack/stack-definition.ts';
import { readStackState } from '../stack/stack-state.ts';
import { stackStateFile } from '../stack/stack-state-file.ts';
import { startStackFor } from '../stack/start-stack.ts';
import { keepStack } from '../stack/started-stack.ts';
import { stackOptionsFromEnv } from './stack-env.ts';

/** First image builds can take minutes; the wait for health has its own timeout inside. */
setup.setTimeout(20 * 60_000);

function lintWarnings(definition: Parameters<typeof lintDefinition>[0], log: (line: string) => void): void {
  for (const finding of lintDefinition(definition)) log(`warning: ${formatFinding(finding)}`);
}

setup('start the stack', async ({}, testInfo) => {
  const options = stackOptionsFromEnv();
  const { mode } = options;
  const lines: string[] = [];
  const log = (line: string) => {
    lines.push(`${new Date().toISOString().slice(11, 23)} ${line}`);
    process.stderr.write(`[journeys] ${line}\n`);
  };
  // Until the compose files are resolved only the runner's own secrets are known.
  let redact = stackRedactor({});
  const attach = redactingAttach(testInfo, (text) => redact(text));
  try {
    const definition = await setup.step('resolve the compose files', () => defineStackFor(mode, { ...options, log }));
    redact = stackRedactor(serviceEnvironments(definition));
    const stack = await setup.step(`bring ${definition.target.projectName} up`, async () => {
      const starting = startStackFor(mode, definition, {
        waitTimeoutSeconds: options.waitTimeoutSeconds,
        keepOnFailure: mode.keepOnFailure,
        // Playwright tears this worker down on a signal: the stack's watchdog removes it instead.
        handleSignals: false,
        log,
      });
      // Lint (cached with the resolution) while Docker works; not at all for a reused stack.
      const lintNow = !definition.reuse || !definition.running?.length;
      if (lintNow) lintWarnings(definition, log);
      const started = await starting;
      if (!lintNow && !started.reused) lintWarnings(definition, log);
      return started;
    });
    // What this run ran on, for the suspect when a journey fails after passing; never a reason to fail the start.
    // What this run ran on (the suspect when a journey fails after passing) and what the stack has (the
    // coverage page), side by side: neither is ever a reason to fail the start.
    await setup.step('fingerprint the stack and list what it has', () =>
      Promise.all([
        collectFingerprint(currentEngine(), definition, testInfo.config.rootDir).then(
          async (fingerprint) => {
            writeFingerprint(stack.projectName, fingerprint);
            await attach(FINGERPRINT_ATTACHMENT, {
              body: JSON.stringify(fingerprint, null, 2),
              contentType: 'application/json',
            });
          },
          (error: Error) => log(`warning: no fingerprint of this run (suspects cannot be named): ${error.message}`),
        ),
        attachCatalog(testInfo, readStackState(stackStateFile(stack.projectName)), {
          ...(definition.config['x-journeys']?.openapi ? { openapi: definition.config['x-journeys'].openapi } : {}),
          configDir: path.dirname(definition.target.files[0] ?? testInfo.config.rootDir),
        }).then(
          (catalog) => {
            for (const problem of catalog.problems) log(`warning: coverage catalog: ${problem}`);
          },
          (error: Error) => log(`warning: coverage catalog: ${error.message}`),
        ),
      ]),
    );
    await attach('endpoints.json', {
      body: JSON.stringify(stack.endpoints.all, null, 2),
      contentType: 'application/json',
    });
    const keepReason = keptWhateverHappens(mode);
    if (keepReason) {
      // Kept whatever the journeys do (there is no teardown project then): say so here.
      const kept = keepStack(stack.target, keepReason);
      const text = `Stack ${stack.projectName} ${stack.reused ? 'reused' : 'started'} and kept (${keepReason}). Look at it with:\n${kept.commands.map((c) => `  ${c}`).join('\n')}`;
      log(text);
      await attach('kept-stack.txt', { body: text, contentType: 'text/plain' });
    }
  } catch (error) {
    if (error instanceof JourneysError) {
      testInfo.annotations.push(
        { type: CATEGORY_ANNOTATION, description: 'INFRA' satisfies FailureCategory },
        { type: 'error-category', description: error.category },
      );
      await attach('stack-diagnosis.txt', { body: error.describe(), contentType: 'text/plain' });
      // The terminal shows what the report shows: the whole diagnosis (failing service, health
      // output, log tail, blocked dependants), not only the headline.
      const frames = (error.stack ?? '').split('\n').filter((line) => line.startsWith('    at '));
      error.message = error.describe();
      error.stack = [`${error.name}: ${error.message}`, ...frames].join('\n');
    }
    // The diagnosis quotes service logs and Compose output: the report shows this message too.
    if (error instanceof Error) {
      error.message = redact(error.message);
      if (error.stack) error.stack = redact(error.stack);
    }
    throw error;
  } finally {
    await attach('stack-start.log', { body: lines.join('\n'), contentType: 'text/plain' });
  }
});
