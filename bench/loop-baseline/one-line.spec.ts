import { expect, test } from '@playwright/test';

test('one line', () => expect(1).toBe(1));
