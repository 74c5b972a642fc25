import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nextTurn, quietPeriod } from '@ssekit/test-kit';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SYMBOLS } from '../src/server/market.js';
import {
  bundlePage,
  type DemoProcess,
  freePort,
  launchChromium,
  startDemo,
  startRedis,
  type TestRedis,
} from './utils.js';

/** Where the README's screenshot goes: docs/demo.png at the repository's root. */
const SCREENSHOT = fileURLToPath(new URL('../../../docs/demo.png', import.meta.url));
const symbols = SYMBOLS.map((s) => s.symbol);

interface RowState {
  updates: number;
  price: number;
}

/** Every row of the price table: how many ticks it applied, and its last price. */
function rows(page: Page): Promise<Record<string, RowState>> {
  return page.$$eval('#price-rows tr', (trs) =>
    Object.fromEntries(
      trs.map((tr) => {
        const { symbol, updates, price } = (tr as HTMLElement).dataset;
        return [symbol, { updates: Number(updates), price: Number(price) }];
      }),
    ),
  );
}

/** Wait until every given symbol applied at least `ticks` more ticks than in `since`. */
async function expectTicks(
  page: Page,
  watched: readonly string[],
  since: Record<string, RowState>,
  ticks: number,
) {
  await expect
    .poll(
      async () => {
        const now = await rows(page);
        return watched.filter((s) => now[s]!.updates >= since[s]!.updates + ticks);
      },
      { timeout: 15_000 },
    )
    .toEqual(watched);
}

const badge = (page: Page) => page.locator('#status').getAttribute('data-status');
const counter = async (page: Page, name: 'gaps' | 'resets') =>
  Number(await page.locator('#counters').getAttribute(`data-${name}`));

/** Record the badge's changes in the page, from now on. */
async function recordStatus(page: Page): Promise<() => Promise<string[]>> {
  await page.evaluate(() => {
    const status = document.getElementById('status')!;
    const log: string[] = [];
    (window as unknown as { statusLog: string[] }).statusLog = log;
    new MutationObserver(() => log.push(status.dataset.status ?? '')).observe(status, {
      attributes: true,
      attributeFilter: ['data-status'],
    });
  });
  return () => page.evaluate(() => (window as unknown as { statusLog: string[] }).statusLog);
}

// Both suites serve the page as `pnpm demo` builds it.
beforeAll(() => bundlePage(), 60_000);

describe('the market dashboard in Chromium', () => {
  let browser: Browser | undefined;
  let server: DemoProcess | undefined;
  let page: Page;
  let port: number;
  /** The URLs of the broadcast connections the page opened, oldest first. */
  const streamUrls: URL[] = [];
  const pageErrors: string[] = [];
  const pageLog: string[] = [];

  beforeAll(async () => {
    browser = await launchChromium(); // no Chromium fails here, before anything else
    port = await freePort();
    server = await startDemo(port);
    page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (url.pathname === '/sse') streamUrls.push(url);
    });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => pageLog.push(`${message.type()}: ${message.text()}`));
    await page.goto(server.url);
  }, 90_000);

  // A failure shows what the server printed and what the page logged.
  afterEach((context) => {
    if (context.task.result?.state !== 'fail') return;
    console.log(`demo server output:\n${server?.output()}\npage console:\n${pageLog.join('\n')}`);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.[Symbol.asyncDispose]();
  });

  it('connects, and every price moves', async () => {
    await expect.poll(() => badge(page), { timeout: 15_000 }).toBe('open');
    const before = await rows(page);
    expect(Object.keys(before).sort()).toEqual([...symbols].sort());
    await expectTicks(page, symbols, before, 4);
    const after = await rows(page);
    const moved = symbols.filter((s) => after[s]!.price !== before[s]!.price);
    expect(moved.length).toBeGreaterThanOrEqual(symbols.length / 2);
  }, 40_000);

  it('unchecked symbols stop updating, checked ones go on, and no tick is lost', async () => {
    const opened = streamUrls.length;
    await page.getByLabel('Watch AAPL').uncheck(); // with the mouse
    await page.getByLabel('Watch MSFT').focus(); // and with the keyboard
    await page.keyboard.press('Space');
    expect(await page.getByLabel('Watch MSFT').isChecked()).toBe(false);

    // The client reconnected once more, with the new topic filter and the id it had reached.
    await expect
      .poll(() =>
        streamUrls
          .at(-1)
          ?.searchParams.getAll('topic')
          .filter((t) => t.startsWith('price:')),
      )
      .toEqual(
        symbols
          .filter((s) => s !== 'AAPL' && s !== 'MSFT')
          .map((s) => `price:${s}`)
          .sort(),
      );
    expect(streamUrls.length).toBeGreaterThan(opened);
    expect(streamUrls.at(-1)?.searchParams.get('lastEventId')).toMatch(/-\d+$/);
    await expect.poll(() => badge(page), { timeout: 10_000 }).toBe('open');

    await nextTurn(500); // ticks already in the page's queue when the box was unticked
    const before = await rows(page);
    await quietPeriod(2_500);
    const after = await rows(page);
    expect(after.AAPL!.updates).toBe(before.AAPL!.updates);
    expect(after.MSFT!.updates).toBe(before.MSFT!.updates);
    for (const s of symbols.filter((s) => s !== 'AAPL' && s !== 'MSFT')) {
      expect(after[s]!.updates, s).toBeGreaterThanOrEqual(before[s]!.updates + 5);
    }
    // Every price carries a per-symbol seq: the page counts the ones that never arrived.
    expect(await counter(page, 'gaps')).toBe(0);

    // Watching again resumes the updates.
    await page.getByLabel('Watch AAPL').check();
    await expect
      .poll(async () => (await rows(page)).AAPL!.updates, { timeout: 10_000 })
      .toBeGreaterThan(after.AAPL!.updates + 2);
    expect(await counter(page, 'gaps')).toBe(0);
  }, 40_000);

  it('an order (tRPC) produces trade rows, and its fills stream completes the progress bar', async () => {
    await page.getByLabel('Symbol').selectOption('NVDA');
    await page.getByLabel('Buy').focus();
    await page.keyboard.press('ArrowRight'); // the radio group moves to Sell
    expect(await page.getByLabel('Sell').isChecked()).toBe(true);
    await page.getByLabel('Quantity').fill('250');
    await page.getByLabel('Quantity').press('Enter');

    const progress = page.locator('#order-progress');
    await page.locator('#order-progress[data-order-id]').waitFor({ timeout: 10_000 });
    const orderId = (await progress.getAttribute('data-order-id'))!;
    const mine = page.locator(`#trades li[data-order-id="${orderId}"]`);
    await mine.first().waitFor({ timeout: 10_000 });
    expect(await mine.first().textContent()).toMatch(/Sell.*NVDA.*yours/);

    await expect
      .poll(() => page.locator('#order-status').textContent(), { timeout: 15_000 })
      .toMatch(/^Done: 250 NVDA/);
    expect(await progress.evaluate((p: HTMLProgressElement) => [p.value, p.max])).toEqual([
      250, 250,
    ]);
    // Every fill was published as a trade, and each reached the feed.
    const quantities = await mine.locator('.qty').allTextContents();
    expect(quantities.reduce((sum, q) => sum + Number(q.replaceAll(',', '')), 0)).toBe(250);
  }, 40_000);

  it('saves the screenshot that the README shows', async () => {
    // An alert makes a fuller picture; the market raises one every few seconds on average.
    await page
      .locator('#alerts li.alert')
      .first()
      .waitFor({ timeout: 20_000 })
      .catch(() => {});
    // A fresh order, so that its fills are at the top of the feed.
    await page.getByLabel('Symbol').selectOption('AAPL');
    await page.getByLabel('Buy').check();
    await page.getByRole('button', { name: 'Place order' }).click();
    await expect
      .poll(() => page.locator('#order-status').textContent(), { timeout: 15_000 })
      .toMatch(/^Done: 250 AAPL/);
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.emulateMedia({ reducedMotion: 'reduce' }); // the progress bar drawn full, not mid-way
    mkdirSync(dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
  }, 60_000);

  it('survives a server restart: reconnecting, then open, and prices move again', async () => {
    const statusLog = await recordStatus(page);

    expect(await server!.stop('SIGTERM')).toBe(0); // graceful: sse.close() ends every stream
    await expect.poll(() => badge(page), { timeout: 10_000 }).toBe('reconnecting');
    await quietPeriod(1_000); // down for a while: the client keeps trying
    expect(await badge(page)).toBe('reconnecting');
    const down = await rows(page);
    const watched = symbols.filter((s) => s !== 'MSFT'); // still unticked from the test above

    server = await startDemo(port);
    await expect.poll(() => badge(page), { timeout: 20_000 }).toBe('open');
    await expectTicks(page, watched, down, 3);
    expect(await statusLog()).not.toContain('closed');
    expect((await statusLog()).at(-1)).toBe('open');
    // The new process has a new in-memory log: the server sent ssekit.reset, and the page
    // resynchronised from a fresh snapshot, without a gap.
    expect(await counter(page, 'resets')).toBe(1);
    expect(await counter(page, 'gaps')).toBe(0);
    expect(pageErrors).toEqual([]);
  }, 60_000);
});

describe('the dashboard with --redis', () => {
  let redis: TestRedis | undefined;
  let browser: Browser | undefined;
  let server: DemoProcess | undefined;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    browser = await launchChromium();
    redis = await startRedis();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.[Symbol.asyncDispose]();
    await redis?.[Symbol.asyncDispose]();
  });

  it('resumes from the shared log across a restart: no reset, no gap', async () => {
    const port = await freePort();
    const args = ['--redis', redis!.url];
    server = await startDemo(port, args);
    const page = await browser!.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(server.url);
    await expect.poll(() => badge(page), { timeout: 15_000 }).toBe('open');
    expect(await page.locator('#broker').textContent()).toBe('redis broker');
    await expectTicks(page, symbols, await rows(page), 3);

    const statusLog = await recordStatus(page);
    expect(await server.stop('SIGTERM')).toBe(0);
    await expect.poll(() => badge(page), { timeout: 10_000 }).toBe('reconnecting');
    const down = await rows(page);
    server = await startDemo(port, args);
    await expect.poll(() => badge(page), { timeout: 20_000 }).toBe('open');
    await expectTicks(page, symbols, down, 3);
    expect((await statusLog()).at(-1)).toBe('open');
    // The log lives in Redis: the client resumed from its last id, so there was nothing to reset.
    expect(await counter(page, 'resets')).toBe(0);
    expect(await counter(page, 'gaps')).toBe(0);
    expect(pageErrors).toEqual([]);
  }, 60_000);
});
