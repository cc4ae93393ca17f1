import { test } from '@playwright/test';

test('browses the catalogue', async () => {});
