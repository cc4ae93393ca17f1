import { test as setup } from '@playwright/test';
import { JourneysError } from '../errors.ts';
import { lintStack, formatFinding } from '../stack/lint.ts';
import { defineStack } from '../stack/stack-definition.ts';
import { startStack } from '../stack/start-stack.ts';
import { stackOptionsFromEnv } from './stack-env.ts';

/** First image builds can take minutes; the wait for health has its own timeout inside. */
setup.setTimeout(20 * 60_000);

setup('start the stack', async ({}, testInfo) => {
  const options = stackOptionsFromEnv();
  const lines: string[] = [];
  const log = (line: string) => {
    lines.push(`${new Date().toISOString().slice(11, 23)} ${line}`);
    process.stderr.write(`[journeys] ${line}\n`);
  };
  try {
    const definition = await setup.step('resolve the compose files', () => defineStack({ ...options, log }));
    for (const finding of lintStack(definition)) log(`warning: ${formatFinding(finding)}`);
    const stack = await setup.step(`bring ${definition.target.projectName} up`, () =>
      startStack(definition, { waitTimeoutSeconds: options.waitTimeoutSeconds, keepOnFailure: process.env.JOURNEYS_KEEP_ON_FAILURE === '1', log }),
    );
    await testInfo.attach('endpoints.json', { body: JSON.stringify(stack.endpoints.all, null, 2), contentType: 'application/json' });
  } catch (error) {
    if (error instanceof JourneysError) {
      testInfo.annotations.push({ type: 'failure-category', description: 'INFRA' }, { type: 'error-category', description: error.category });
      await testInfo.attach('stack-diagnosis.txt', { body: error.describe(), contentType: 'text/plain' });
    }
    throw error;
  } finally {
    await testInfo.attach('stack-start.log', { body: lines.join('\n'), contentType: 'text/plain' });
  }
});
