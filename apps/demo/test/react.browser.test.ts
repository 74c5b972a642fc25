// The React variant of the dashboard (`/react`) in Chromium, served by the demo server as `pnpm demo`
// runs it: typed events render (prices move, Dates shown), and two tabs share one stream.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYMBOLS } from '../src/server/market.js';
import { bundlePage, type DemoProcess, freePort, launchChromium, startDemo } from './utils.js';

const symbols = SYMBOLS.map((s) => s.symbol);

/** Each row's last `seq` and the ISO time of its last tick, as the React row rendered them. */
function rows(page: Page): Promise<Record<string, { seq: number; updates: number; at: string }>> {
  return page.$$eval('#price-rows tr', (trs) =>
    Object.fromEntries(
      trs.map((tr) => {
        const { symbol, seq, updates, at } = (tr as HTMLElement).dataset;
        return [symbol, { seq: Number(seq), updates: Number(updates), at: at ?? '' }];
      }),
    ),
  );
}

const badge = (page: Page) => page.locator('#status').getAttribute('data-status');

beforeAll(() => bundlePage(), 60_000);

describe('the React variant of the dashboard in Chromium', () => {
  let browser: Browser | undefined;
  let server: DemoProcess | undefined;

  beforeAll(async () => {
    browser = await launchChromium();
    server = await startDemo(await freePort());
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await server?.[Symbol.asyncDispose]();
  });

  it("renders typed events through @ssekit/react; a second tab shares the first one's stream", async () => {
    const context = await browser!.newContext();
    const streams = new Map<Page, number>();
    const errors: string[] = [];
    const open = async () => {
      const page = await context.newPage();
      streams.set(page, 0);
      page.on('request', (request) => {
        if (new URL(request.url()).pathname === '/sse') streams.set(page, streams.get(page)! + 1);
      });
      page.on('pageerror', (error) => errors.push(error.message));
      await page.goto(`${server!.url}/react`);
      return page;
    };
    try {
      const first = await open();
      await expect.poll(() => badge(first), { timeout: 15_000 }).toBe('open');
      const start = await rows(first);
      expect(Object.keys(start).sort()).toEqual([...symbols].sort());
      await expect
        .poll(
          async () => {
            const now = await rows(first);
            return symbols.filter((s) => now[s]!.updates >= 3 && now[s]!.seq > start[s]!.seq);
          },
          { timeout: 15_000 },
        )
        .toEqual(symbols);
      // `at` was decoded to a Date (the row renders it with toISOString()), and trades show their time.
      for (const row of Object.values(await rows(first)))
        expect(row.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      await first.locator('#trades li time').first().waitFor({ timeout: 10_000 });
      expect(await first.locator('#trades li time').first().getAttribute('datetime')).toMatch(/Z$/);

      // A second tab of the same origin: its hooks get the events through the first tab's stream.
      const second = await open();
      await expect.poll(() => badge(second), { timeout: 15_000 }).toBe('open');
      const before = await rows(second);
      await expect
        .poll(
          async () => {
            const now = await rows(second);
            return symbols.filter((s) => now[s]!.updates >= before[s]!.updates + 3);
          },
          { timeout: 15_000 },
        )
        .toEqual(symbols);
      expect(streams.get(second)).toBe(0);
      expect(streams.get(first)).toBeGreaterThanOrEqual(1);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 60_000);
});
