import { test } from '@playwright/test';

/** REFUND=tag-only: the bare @quarantine tag (no owner); owned: declared by @refunds; else not quarantined. */
const mode = process.env.REFUND ?? 'none';
test(
  'refunds an order',
  mode === 'tag-only'
    ? { tag: '@quarantine' }
    : mode === 'owned'
      ? { annotation: { type: 'quarantine', description: 'owner=@refunds; until=2099-12-31; reason=slow ledger' } }
      : {},
  async () => {},
);
