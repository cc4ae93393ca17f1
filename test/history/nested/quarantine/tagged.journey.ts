import { test } from '@playwright/test';

test('known broken refund', {
  tag: '@quarantine',
  annotation: { type: 'quarantine', description: 'owner=@refunds; until=2099-12-31; reason=refunds are not built yet' },
}, async () => {
  if (process.env.TAGGED === 'fail') throw new Error('refunds are not built yet');
});
