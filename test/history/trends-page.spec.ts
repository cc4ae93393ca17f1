import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect, test } from '@playwright/test';
import { openHistoryStore, runHistoryCommand } from 'compose-journeys/history';
import { abortRequestsOffMachine, DEBIAN_CHROMIUM, launchDebianChromium } from '../support/chromium.ts';
import { NIGHTS, SEEDED_JOURNEYS, seedNightlyHistory } from './support/seed-nightly-history.ts';

/**
 * The trends page in a real browser: Debian's chromium (apt-get install -y chromium), headless,
 * the page opened from file:// with every network request refused. Each chart must exist as a
 * Chart.js instance with the history's numbers in it.
 * HISTORY_TRENDS_SCREENSHOT=docs/history-trends.png also writes the README's screenshot.
 */
const CHROMIUM = DEBIAN_CHROMIUM;

test("the trends page opens offline in Chromium and every chart has the history's data", async ({}, testInfo) => {
  expect(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install -y chromium`).toBe(true);
  const db = testInfo.outputPath('history.sqlite');
  const store = await openHistoryStore({ url: db });
  await seedNightlyHistory(store);
  await store.close();
  const dir = testInfo.outputPath('trends');
  const logs: string[] = [];
  expect(
    await runHistoryCommand({ url: db, html: dir, last: NIGHTS, out: () => undefined, log: (l) => logs.push(l) }),
  ).toBe(0);
  expect(logs).toEqual([`trends page: ${path.join(dir, 'index.html')}`]);

  const browser = await launchDebianChromium();

  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => message.type() === 'error' && problems.push(`console: ${message.text()}`));
    const requested = await abortRequestsOffMachine(page);
    await page.goto(pathToFileURL(path.join(dir, 'index.html')).href);

    const charts = await page.evaluate(() => {
      const ChartJs = (
        window as unknown as {
          Chart: {
            getChart(canvas: HTMLCanvasElement):
              | {
                  config: { type: string };
                  data: { labels: unknown[]; datasets: { label?: string; data: (number | null)[] }[] };
                }
              | undefined;
          };
        }
      ).Chart;
      return Object.fromEntries(
        [...document.querySelectorAll('canvas')].map((canvas) => {
          const chart = ChartJs.getChart(canvas);
          return [
            canvas.id,
            chart
              ? {
                  type: chart.config.type,
                  labels: chart.data.labels.map(String),
                  datasets: chart.data.datasets.map((d) => ({ label: d.label ?? '', data: d.data })),
                }
              : null,
          ];
        }),
      );
    });
    expect(problems).toEqual([]);
    expect(requested).toEqual([]);
    expect(Object.keys(charts).sort()).toEqual([
      'duration-trend',
      'failures-by-category',
      'failures-by-service',
      'flake-rate',
      'peak-memory-trend',
      'runs-by-outcome',
    ]);

    const outcome = charts['runs-by-outcome']!;
    expect(outcome.type).toBe('bar');
    expect(outcome.labels).toHaveLength(NIGHTS);
    const series = Object.fromEntries(outcome.datasets.map((d) => [d.label, d.data]));
    expect(series.flaky).toEqual([0, 0, 1, 0, 0, 1, 0, 1, 0, 0, 1, 0, 1, 0]);
    expect(series.failed).toEqual([0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 1, 1]);
    expect(series['not run']).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 0, 0]);

    const flake = charts['flake-rate']!;
    const raceIndex = flake.labels.findIndex((label) => label.includes('race for the last item'));
    expect(flake.datasets[0]!.data[raceIndex]).toBeCloseTo((5 / 13) * 100, 0); // 5 flaky of the 13 nights it ran

    const duration = charts['duration-trend']!;
    expect(duration.type).toBe('line');
    expect(duration.datasets).toHaveLength(Object.keys(SEEDED_JOURNEYS).length);
    const happy = duration.datasets.find((d) => d.label.includes('placed, paid and shipped'))!;
    expect(happy.data.filter((v) => v !== null)).toHaveLength(NIGHTS - 1);
    expect(happy.data[NIGHTS - 1]!).toBeGreaterThan(happy.data[0]!);

    // Per service, the peak of each night's journeys: inventory's leak rises, orders stays flat; no figure the night the stack was down.
    const memory = charts['peak-memory-trend']!;
    expect(memory.type).toBe('line');
    const peaks = Object.fromEntries(memory.datasets.map((d) => [d.label, d.data]));
    expect(Object.keys(peaks)).toEqual(['inventory', 'orders']);
    // 5 MB more each night, from the first night to the last.
    expect(peaks.inventory![NIGHTS - 1]! - peaks.inventory![0]!).toBe((NIGHTS - 1) * 5);
    expect(peaks.orders!.filter((v) => v !== null && v !== 60)).toEqual([]);
    expect(peaks.orders!.filter((v) => v === null)).toHaveLength(1);

    const category = charts['failures-by-category']!;
    expect(Object.fromEntries(category.labels.map((l, i) => [l, category.datasets[0]!.data[i]]))).toEqual({
      PRODUCT: 3,
      INFRA: 4,
      TEST: 2,
    });
    const service = charts['failures-by-service']!;
    expect(Object.fromEntries(service.labels.map((l, i) => [l, service.datasets[0]!.data[i]]))).toEqual({
      payments: 3,
      orders: 3,
      kafka: 3,
      rabbitmq: 1,
    });

    // The table says what the charts cannot: quarantine, drift, failure streak.
    await expect(page.locator('#journeys tr', { hasText: 'race for the last item' })).toContainText('quarantined');
    await expect(page.locator('#journeys tr', { hasText: 'redelivered event' })).toContainText('drift');
    await expect(page.locator('#journeys tr', { hasText: 'declined payment' })).toContainText(
      '2026-11-12 02:00 (3 runs)',
    );

    const screenshot = testInfo.outputPath('history-trends.png');
    await page.screenshot({ path: screenshot, fullPage: true });
    if (process.env.HISTORY_TRENDS_SCREENSHOT) {
      mkdirSync(path.dirname(path.resolve(process.env.HISTORY_TRENDS_SCREENSHOT)), { recursive: true });
      copyFileSync(screenshot, process.env.HISTORY_TRENDS_SCREENSHOT);
    }
  } finally {
    await browser.close();
  }
});
