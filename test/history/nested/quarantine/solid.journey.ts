import { test } from '@playwright/test';

test('solid browse', async () => {
  if (process.env.SOLID === 'fail') throw new Error('browse broke');
});
