import { test } from '@playwright/test';

// Many small journeys: four shards record theirs into one database at the same moment.
for (let n = 1; n <= 25; n++) {
  test(`batch 3 journey ${n}`, async () => {});
}
