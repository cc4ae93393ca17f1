import { test } from '@playwright/test';

test('browse the catalogue', async () => {});
