import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { historyReportSchema, openHistoryStore, runHistoryCommand } from 'compose-journeys/history';
import { abortRequestsOffMachine, launchDebianChromium } from '../support/chromium.ts';
import { REPO } from '../support/cli.ts';
import { runPlaywright } from '../support/nested-playwright.ts';

/**
 * The coverage of the example shop, as its nightly would see it: the shop's own journeys run twice on
 * their stack (kept between the two: JOURNEYS_REUSE), the second time without the one journey that
 * refunds an order. The history keeps each run's coverage; the page lists every table, topic and
 * exchange of the shop with the journeys that touch them, and the refund endpoint drops to "not covered".
 */
const OUT = path.resolve('reports/coverage-nested');
const PROJECT = `jt-coverage-${process.pid}`;
const REFUND_JOURNEY = 'no token is 401, a customer refunding is 403, staff refund a paid order';
const REFUND = 'endpoint orders POST /orders/:id/refund';
const SHOP_TABLES = ['notifications', 'order_lines', 'orders', 'outbox', 'payments', 'products', 'reservations'];

// @once: nothing here depends on the Node major; the other majors' lanes (npm run test:node) skip it.
test('the shop: every table, topic and exchange listed with its journeys; a journey removed drops its endpoint to "not covered"', {
  tag: '@once',
}, async () => {
  test.setTimeout(15 * 60_000);
  rmSync(OUT, { recursive: true, force: true });
  const db = path.join(OUT, 'history.sqlite');
  const night = (name: string, args: string[] = []) =>
    runPlaywright(
      'playwright.config.ts',
      [
        '--project',
        'journeys',
        '--output',
        path.join(OUT, name),
        '--reporter',
        `list,${path.join(REPO, 'dist/src/history/reporter.js')}`,
        ...args,
      ],
      {
        JOURNEYS_PROJECT: PROJECT,
        JOURNEYS_REUSE: '1',
        JOURNEYS_HISTORY_URL: db,
        JOURNEYS_HISTORY_SUMMARY_FILE: path.join(OUT, `${name}-summary.json`),
      },
    );
  try {
    const all = await night('all');
    expect(all.exitCode, all.output).toBe(0);
    const without = await night('without-refund', ['--grep-invert', REFUND_JOURNEY]);
    expect(without.exitCode, without.output).toBe(0);
  } finally {
    execFileSync(process.execPath, [path.join(REPO, 'bin/journeys.js'), 'down', '-p', PROJECT], { stdio: 'ignore' });
  }

  const store = await openHistoryStore({ url: db, access: 'read' });
  const [first, second] = await store.recentRuns(2).finally(() => store.close());
  const covered = (kind: string, name: string) =>
    first!.coverage!.items.find((item) => item.kind === kind && item.name === name);
  // Every table of the shop's database, from its catalog, and the journeys whose queries and rules read them.
  for (const table of SHOP_TABLES) expect(covered('table', `public.${table}`), table).toMatchObject({ known: true });
  expect(covered('table', 'public.orders')?.journeys.length).toBeGreaterThan(1);
  // Topics from the broker's metadata, exchanges and queues from RabbitMQ's management API, with the routing keys seen.
  const topics = first!.coverage!.items.filter((item) => item.kind === 'topic');
  expect(topics.map((t) => t.name)).toEqual(expect.arrayContaining(['orders.placed']));
  expect(topics.every((t) => t.known)).toBe(true);
  expect(covered('topic', 'orders.placed')?.journeys).toContain(
    'journeys/shop/happy-path.spec.ts › an order is reserved, paid and notified',
  );
  const exchanges = first!.coverage!.items.filter((item) => item.kind === 'exchange');
  expect(exchanges.length).toBeGreaterThan(0);
  expect(exchanges.some((e) => e.known && e.journeys.length > 0 && e.seen.length > 0)).toBe(true);
  // Endpoints from the services' OpenAPI documents; the refund one is touched by the refund journey only.
  expect(first!.coverage!.items.find((item) => `${item.kind} ${item.service} ${item.name}` === REFUND)).toMatchObject({
    known: true,
    journeys: [`journeys/shop/access.spec.ts › ${REFUND_JOURNEY}`],
    seen: ['200', '403'],
  });
  expect(second!.coverage!.items.find((item) => `${item.kind} ${item.service} ${item.name}` === REFUND)).toMatchObject({
    known: true,
    journeys: [],
  });

  // `journeys history`: coverage lost since the run before; the page, offline in Chromium.
  const lines: string[] = [];
  const html = path.join(OUT, 'pages');
  expect(await runHistoryCommand({ url: db, json: true, html, out: (line) => lines.push(line), log: () => {} })).toBe(
    0,
  );
  const report = historyReportSchema.parse(JSON.parse(lines.join('\n')));
  expect(report.coverage?.change.lost).toContain(REFUND);
  const text: string[] = [];
  await runHistoryCommand({ url: db, out: (line) => text.push(line), log: () => {} });
  expect(text.join('\n')).toContain(`  lost: ${REFUND} (no journey touches it any more)`);

  const browser = await launchDebianChromium();
  try {
    const page = await browser.newPage();
    const requests = await abortRequestsOffMachine(page);
    await page.goto(`file://${path.join(html, 'coverage.html')}`);
    const refund = page.locator('tr[data-kind="endpoint"][data-item="POST /orders/:id/refund"]');
    await expect(refund).toContainText('not covered');
    for (const table of SHOP_TABLES)
      await expect(page.locator(`tr[data-kind="table"][data-item="public.${table}"]`)).not.toHaveCount(0);
    await expect(page.locator('#change')).toContainText(REFUND);
    expect(requests).toEqual([]);
  } finally {
    await browser.close();
  }
  expect(readFileSync(path.join(OUT, 'all-summary.json'), 'utf8')).toContain('"coverage"');
});
