import { test } from '@playwright/test';

test('sign in', async () => {});
