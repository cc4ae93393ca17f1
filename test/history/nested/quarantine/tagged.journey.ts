import { test } from '@playwright/test';

test('known broken refund', { tag: '@quarantine' }, async () => {
  if (process.env.TAGGED === 'fail') throw new Error('refunds are not built yet');
});
