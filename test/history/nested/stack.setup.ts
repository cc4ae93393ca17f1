import { test as setup } from '@playwright/test';

/** Stands in for stackProjects()' setup: HISTORY_STACK=fail is a stack that did not come up. */
setup('start the stack', async ({}, testInfo) => {
  if (process.env.HISTORY_STACK === 'fail') {
    testInfo.annotations.push(
      { type: 'failure-category', description: 'INFRA' },
      { type: 'error-category', description: 'HEALTHCHECK_TIMEOUT' },
    );
    throw new Error('service orders did not become healthy within 5 s');
  }
});
