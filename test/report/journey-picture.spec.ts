import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect, test } from '@playwright/test';
import { abortRequestsOffMachine, DEBIAN_CHROMIUM, launchDebianChromium } from '../support/chromium.ts';
import { REPO } from '../support/cli.ts';
import { runPlaywright } from '../support/nested-playwright.ts';
import { readZip } from '../support/zip.ts';

/**
 * A shop journey that fails on purpose (test/report/shop-failing/: it wants a paid order SHIPPED,
 * the shop says PAID) runs nested on this run's shop stack, with the example's trace setting. What a
 * reviewer opens is checked: the journey's picture (its calls, messages, the provider's charge and
 * the failed expectation, in order), the summary on top, the trace of the failed attempt (its steps,
 * its API calls, the evidence as attachments), and the HTML report opened in Chromium with the
 * network refused. JOURNEY_PICTURE_SCREENSHOT=docs/journey-picture.png also writes the docs' screenshot.
 */
const OUT = path.join(REPO, 'reports/journey-picture');
const TITLE = 'a paid order ships at once';

interface RawResult {
  status: string;
  annotations: { type: string; description?: string }[];
  attachments: { name: string; contentType: string; body?: string; path?: string }[];
}

test.describe.configure({ mode: 'serial' });
let result: RawResult;
let onDemand: RawResult;
const attachment = (name: string) => {
  const found = result.attachments.find((a) => a.name === name);
  if (!found) throw new Error(`no attachment ${name}: ${result.attachments.map((a) => a.name).join(', ')}`);
  return found;
};
const text = (name: string) => {
  const found = attachment(name);
  return found.body !== undefined
    ? Buffer.from(found.body, 'base64').toString('utf8')
    : readFileSync(found.path!, 'utf8');
};
/** The picture's effects as its `<desc>` lists them: `n. +ms kind lanes: label`. */
const effects = () =>
  /<desc>([\s\S]*)<\/desc>/
    .exec(text('journey-picture.svg'))![1]!
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .split('\n')
    .filter((line) => /^\d+\. /.test(line));

test.beforeAll(async () => {
  test.setTimeout(3 * 60_000);
  rmSync(OUT, { recursive: true, force: true });
  // This run's own JOURNEYS_* variables go along: the nested journeys use the shop stack this run started.
  const run = await runPlaywright(
    'test/report/shop-nested.config.ts',
    [],
    { SHOP_REPORT_OUT: OUT },
    /^(PW_|PLAYWRIGHT_|TEST_)/,
  );
  expect(run.exitCode, run.output).toBe(1); // it fails on purpose
  const report = JSON.parse(readFileSync(path.join(OUT, 'report.json'), 'utf8')) as {
    suites: { specs: { title: string; tests: { results: RawResult[] }[] }[] }[];
  };
  const specs = report.suites.flatMap((suite) => suite.specs);
  const resultOf = (title: string) => specs.find((s) => s.title === title)!.tests[0]!.results.at(-1)!;
  result = resultOf(TITLE);
  onDemand = resultOf('an order is placed and announced');
  expect(result.status).toBe('failed');
});

test("the picture lists the journey's calls, messages and the failed expectation in order", () => {
  const picture = attachment('journey-picture.svg');
  expect(picture.contentType).toBe('image/svg+xml');
  const lines = effects();
  const at = (pattern: RegExp) => {
    const index = lines.findIndex((line) => pattern.test(line));
    expect(index, `${pattern} in\n${lines.join('\n')}`).toBeGreaterThanOrEqual(0);
    return index;
  };
  const stocked = at(/call journey → inventory: POST \/products as customer → 201/);
  const placed = at(/call journey → orders: POST \/orders as customer → 201/);
  const announced = at(/message kafka orders\.placed: orders\.placed\S* key=[0-9a-f-]{36}/);
  const reserved = at(/message amqp shop\.events: shop\.events\/inventory\.reserved key=/);
  const charged = at(/request wiremock: received POST \/v1\/charges → 201/);
  const captured = at(/message kafka payments\.captured: payments\.captured\S* key=[0-9a-f-]{36}/);
  const read = at(/call journey → orders: GET \/orders\/[0-9a-f-]{36} as customer → 200/);
  const failed = at(/failure journey: ✗ a paid order ships at once · Expected: "SHIPPED" · Received: "PAID"/);
  expect(stocked).toBeLessThan(placed);
  expect(placed).toBeLessThan(announced);
  // What caused what, in that order (a tap sees a message when it is delivered to it: a consumer's
  // effect, such as the charge, may come before the tap sees the message that caused it).
  expect(placed).toBeLessThan(reserved);
  expect(placed).toBeLessThan(charged);
  expect(charged).toBeLessThan(captured);
  // The failed expectation where it happened: after the read it judged, last of what the journey saw.
  expect(captured).toBeLessThan(read);
  expect(failed).toBe(read + 1);
  expect(lines[failed]).toContain('(in "the paid order is shipped" at ships-at-once.journey.ts:');
  // The order id is the message's key and the read's path: one journey, one story.
  const orderId = /GET \/orders\/([0-9a-f-]{36})/.exec(lines[read]!)![1]!;
  expect(lines[announced]).toContain(`key=${orderId}`);
  expect(lines[captured]).toContain(`key=${orderId}`);

  // Drawn, not only listed: a lane per participant, the arrows' and marks' labels, the failure line.
  const svg = text('journey-picture.svg');
  for (const lane of ['journey', 'inventory', 'orders', 'wiremock', 'kafka orders.placed', 'amqp shop.events'])
    expect(svg).toContain(`>${lane}</text>`);
  expect(svg).toContain('POST /orders as customer → 201</text>');
  expect(svg).toContain('failed here</text>');
  expect(svg).toMatch(/<text[^>]*>✗ a paid order ships at once/);
});

test("a passing journey's picture on demand (journeyPicture: 'always'): its effects, no failure, no evidence", () => {
  expect(onDemand.status).toBe('passed');
  const names = onDemand.attachments.map((a) => a.name);
  expect(names).toContain('journey-picture.svg');
  expect(names).not.toContain('journey-timeline.md');
  const found = onDemand.attachments.find((a) => a.name === 'journey-picture.svg')!;
  const svg = Buffer.from(found.body!, 'base64').toString('utf8');
  expect(svg).toMatch(/\d+\. \+\d+ ms call journey → orders: POST \/orders as customer → 201/);
  expect(svg).toMatch(/\d+\. \+\d+ ms message kafka orders\.placed: /);
  expect(svg).not.toContain('failed here');
  expect(onDemand.annotations.map((a) => a.type)).not.toContain('failure-summary');
});

test('one summary block tops the failed journey: category, reason, logs to read, the first failed effect', () => {
  const [first] = result.annotations;
  expect(first?.type).toBe('failure-summary');
  const summary = first!.description!;
  expect(summary).toMatch(/^PRODUCT: .*Expected: "SHIPPED" · Received: "PAID"/);
  expect(summary).toContain('logs: orders (journey-logs.log, logs-orders.log)');
  expect(summary).toMatch(
    /first failed effect: #\d+ the journey's failed expectation in "the paid order is shipped" at ships-at-once\.journey\.ts:\d+, after #\d+ journey → orders: GET \/orders\//,
  );
  expect(summary).toContain('picture: journey-picture.svg');
  // The annotations it gathers stay, for the history and for who reads them one by one.
  const types = result.annotations.map((a) => a.type);
  expect(types).toEqual(expect.arrayContaining(['failure-category', 'failure-reason']));
  // The full evidence is below it.
  const names = result.attachments.map((a) => a.name);
  expect(names).toEqual(
    expect.arrayContaining(['journey-picture.svg', 'journey-timeline.md', 'journey-logs.log', 'logs-orders.log']),
  );
});

test("the failed attempt's trace holds the journey's steps, its API calls and its evidence", () => {
  const trace = readZip(attachment('trace').path!);
  const events = (name: string) =>
    trace
      .get(name)!
      .toString('utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  const test = events('test.trace');
  const titles = test.filter((event) => event.type === 'before').map((event) => String(event.title));
  // The journey's steps, each call named by its service, in the order they ran.
  const order = [
    'stock 3 units of a new product',
    'inventory: POST /products as customer',
    'the customer orders 1 unit',
    'orders: POST /orders as customer',
    'orders.placed, inventory.reserved and payments.captured go out',
    'the paid order is shipped',
  ];
  const indices = order.map((title) => titles.indexOf(title));
  for (const [i, title] of order.entries()) expect(indices[i], title).toBeGreaterThanOrEqual(0);
  expect([...indices].sort((a, b) => a - b)).toEqual(indices);
  expect(
    titles.filter((title) => /^orders: GET \/orders\/[0-9a-f-]{36} as customer$/.test(title)).length,
  ).toBeGreaterThan(0);
  const errors = test.filter((event) => event.type === 'error').map((event) => String(event.message));
  expect(errors.join('\n').replace(/\u001b\[[0-9;]*m/g, '')).toContain('Expected: "SHIPPED"');
  // Its annotations (the summary first) are the trace's too.
  const context = test.find((event) => event.type === 'context-options') as { annotations?: { type: string }[] };
  expect(context.annotations?.[0]?.type).toBe('failure-summary');

  // Playwright's own record of each API call: its request and response in the network log.
  const requests = [...trace.keys()]
    .filter((name) => name.endsWith('.network'))
    .flatMap(events)
    .map((event) => {
      const request = (event.snapshot as { request: { method: string; url: string } }).request;
      return `${request.method} ${new URL(request.url).pathname}`;
    });
  expect(requests).toEqual(expect.arrayContaining(['POST /products', 'POST /orders']));
  expect(requests.some((request) => /^GET \/orders\/[0-9a-f-]{36}$/.test(request))).toBe(true);

  // The evidence is in it too: attachments the trace viewer lists, their content inside the zip.
  const attached = test.flatMap(
    (event) => (event.attachments as { name: string; sha1?: string; file?: string }[] | undefined) ?? [],
  );
  for (const name of ['journey-picture.svg', 'journey-timeline.md', 'journey-logs.log', 'observations.json']) {
    const found = attached.find((a) => a.name === name);
    expect(found, name).toBeDefined();
    expect(trace.has(found!.file ?? `resources/${found!.sha1}`), name).toBe(true);
  }
  const picture = attached.find((a) => a.name === 'journey-picture.svg')!;
  expect(trace.get(picture.file!)!.toString('utf8')).toContain('failed here');
});

test('the HTML report shows the picture inline, one click from full size, offline in Chromium', async ({}, testInfo) => {
  expect(existsSync(DEBIAN_CHROMIUM), `${DEBIAN_CHROMIUM} is missing: apt-get install -y chromium`).toBe(true);
  const browser = await launchDebianChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const requested = await abortRequestsOffMachine(page);
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    // Playwright's report fetches the error-context prompt (data/*.md), which Chromium refuses to a
    // file:// page ("Failed to fetch"): its own, not a request leaving the machine, not our picture.
    const refused: string[] = [];
    page.on('requestfailed', (request) => refused.push(request.url()));
    await page.goto(pathToFileURL(path.join(OUT, 'html', 'index.html')).href);
    await page.getByText(TITLE, { exact: true }).first().click();
    await expect(page.getByText('failure-summary').first()).toBeVisible();
    await expect(page.getByText(/first failed effect: #\d+ the journey's failed expectation/).first()).toBeVisible();

    // An image attachment: the report draws it in place (its Screenshots), no click needed.
    const sources = await page.locator('img[src$=".svg"]').evaluateAll((images) =>
      images.map((image) => ({
        src: (image as HTMLImageElement).src,
        width: (image as HTMLImageElement).naturalWidth,
      })),
    );
    const drawn = sources.filter(
      ({ src }) => src.startsWith('file:') && readFileSync(new URL(src), 'utf8').includes('<title>Journey picture'),
    );
    expect(drawn, JSON.stringify(sources)).toHaveLength(1);
    expect(drawn[0]!.width).toBeGreaterThan(700);
    const image = page.locator(`img[src$="${path.basename(new URL(drawn[0]!.src).pathname)}"]`);
    await expect(image).toBeVisible();
    await page.getByRole('button', { name: 'Test Steps' }).click(); // folded: the summary and the picture in one view
    // The docs' screenshot: the report from its top (the summary) down to the picture.
    const report = testInfo.outputPath('journey-picture-report.png');
    await page.evaluate(() => window.scrollTo(0, 0));
    const box = (await image.boundingBox())!;
    await page.screenshot({
      path: report,
      fullPage: true,
      clip: { x: 0, y: 0, width: 1280, height: box.y + box.height + 60 },
    });

    // One click: the image links to itself, full size, the same effects readable as text.
    await image.click();
    await expect(page).toHaveURL(drawn[0]!.src);
    await expect(page.locator('svg > desc')).toContainText('failure journey: ✗ a paid order ships at once');
    if (process.env.JOURNEY_PICTURE_SCREENSHOT) {
      mkdirSync(path.dirname(path.resolve(process.env.JOURNEY_PICTURE_SCREENSHOT)), { recursive: true });
      copyFileSync(report, process.env.JOURNEY_PICTURE_SCREENSHOT);
    }
    for (const url of refused) expect(url).toMatch(/^file:.*\/data\/[0-9a-f]+\.md$/);
    expect(problems.filter((problem) => !(refused.length > 0 && problem === 'Failed to fetch'))).toEqual([]);
    expect(requested, 'no request left the machine').toEqual([]);
  } finally {
    await browser.close();
  }
});
