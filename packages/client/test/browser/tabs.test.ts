// shareAcrossTabs in real Chromium: ten tabs of one origin on HTTP/1.1, one SSE connection for all
// of them; the holder's tab closes while events flow; and the contrast, ten tabs without sharing.
import { nextTurn, quietPeriod } from '@ssekit/test-kit';
import type { Browser, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { startTestServer, waitFor } from '../../../server/test/utils.js';
import { contract, tickDate } from './contract.js';
import { retryMs } from './fixtures.js';
import { bundlePage, launchChromium, servePage } from './harness.js';
import type { TabState, TabWindow } from './tabs-page.js';

const TABS = 10;
const topicOf = (tab: number) => `T${tab}`;

const readTab = (page: Page) =>
  page.evaluate(() => (window as unknown as TabWindow).ssekitTabs.state);

/** Poll every tab until `predicate(state, tab)` holds for each; the states in the message if not. */
async function waitForTabs(
  tabs: ReadonlyMap<number, Page>,
  message: string,
  predicate: (state: TabState, tab: number) => boolean,
  timeoutMs = 20_000,
): Promise<Map<number, TabState>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const states = new Map<number, TabState>();
    for (const [tab, page] of tabs) states.set(tab, await readTab(page));
    if ([...states].every(([tab, state]) => predicate(state, tab))) return states;
    if (Date.now() > deadline) {
      const text = JSON.stringify(Object.fromEntries(states));
      throw new Error(`Timed out waiting for ${message}; tabs: ${text.slice(0, 4_000)}`);
    }
    await nextTurn(25);
  }
}

/** Open `count` pages of the test app in one browser context: one origin, one connection pool. */
async function openTabs(browser: Browser, origin: string, count: number) {
  const context = await browser.newContext();
  const tabs = new Map<number, Page>();
  for (let tab = 0; tab < count; tab++) {
    const page = await context.newPage();
    await page.goto(`${origin}/`, { timeout: 10_000 });
    await page.waitForFunction(() => 'ssekitTabs' in window, undefined, { timeout: 5_000 });
    tabs.set(tab, page);
  }
  return { context, tabs };
}

const openClient = (page: Page, share: boolean, topics: string[]) =>
  page.evaluate(
    ([s, t]) => (window as unknown as TabWindow).ssekitTabs.open({ share: s, topics: t }),
    [share, topics] as const,
  );

/** Publishes `price` on each topic with a per-topic sequence, paced, until stopped. */
function startPublisher(publish: (topic: string, n: number) => string) {
  const published = new Map<string, string[]>();
  let topics: string[] = [];
  let stopped = false;
  const publishOne = (topic: string) => {
    const ids = published.get(topic) ?? [];
    published.set(topic, ids);
    ids.push(publish(topic, ids.length + 1));
  };
  const running = (async () => {
    while (!stopped) {
      for (const topic of topics) publishOne(topic);
      await nextTurn(20);
    }
  })();
  return {
    published,
    setTopics(next: string[]) {
      topics = next;
    },
    count: (topic: string) => published.get(topic)?.length ?? 0,
    async stop() {
      stopped = true;
      await running;
    },
  };
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

describe('shareAcrossTabs in Chromium over HTTP/1.1', { timeout: 120_000 }, () => {
  it('ten tabs share one connection; the holder closes mid-stream: no gap, no duplicate; a new topic within one reconnect', async () => {
    const bundle = await bundlePage('./tabs-page.ts');
    expect(bundle.builtins).toEqual([]);
    const connects: string[] = [];
    await using server = await startTestServer(contract, { retryMs }, (app) => {
      app.use('/sse', (req, _res, next) => {
        if (req.method === 'GET' && req.path === '/') connects.push(req.originalUrl);
        next();
      });
      servePage(bundle)(app);
    });
    await using chromium = await launchChromium();
    const { context, tabs } = await openTabs(chromium.browser, server.origin, TABS);
    try {
      // The first tab opens alone, so it takes the lock and holds the connection.
      await openClient(tabs.get(0)!, true, [topicOf(0)]);
      await waitForTabs(
        new Map([[0, tabs.get(0)!]]),
        'the first tab to open',
        (s) => s.status === 'open',
      );
      for (let tab = 1; tab < TABS; tab++) await openClient(tabs.get(tab)!, true, [topicOf(tab)]);
      await waitForTabs(tabs, 'every tab to open', (s) => s.status === 'open');
      await waitFor(() => server.sse.stats().connections === 1, 'one connection on the server');
      // Every tab's topic is in the one connection's filter.
      const last = new URL(connects.at(-1)!, server.origin);
      expect(last.searchParams.getAll('topic').sort()).toEqual(
        range(TABS)
          .map((i) => `price:${topicOf(i - 1)}`)
          .sort(),
      );

      const publisher = startPublisher(
        (topic, n) =>
          server.sse.publish(
            'price',
            { symbol: topic, price: n, at: tickDate(n) },
            { topic },
          ) as string,
      );
      publisher.setTopics(range(TABS).map((i) => topicOf(i - 1)));
      await waitForTabs(
        tabs,
        'events in every tab',
        (s, tab) => (s.received[`T${tab}`]?.length ?? 0) >= 5,
      );
      expect(server.sse.stats().connections).toBe(1);

      // Close the holder's tab while events flow: another tab takes the lock and resumes.
      const connectsBefore = connects.length;
      await tabs.get(0)!.close();
      tabs.delete(0);
      await waitFor(() => connects.length > connectsBefore, 'a new holder to connect');
      const resumed = new URL(connects.at(-1)!, server.origin);
      expect(resumed.searchParams.get('lastEventId')).toMatch(/-\d+$/);
      const atClose = new Map([...tabs.keys()].map((tab) => [tab, publisher.count(topicOf(tab))]));
      await waitForTabs(
        tabs,
        'ten more events per tab after the close',
        (s, tab) =>
          (s.received[`T${tab}`]?.length ?? 0) >= (atClose as Map<number, number>).get(tab)! + 10,
      );
      await waitFor(() => server.sse.stats().connections === 1, 'one connection again');

      // A tab subscribes to a new topic: the holder reconnects once, with it in the filter.
      const beforeExtra = connects.length;
      await tabs
        .get(1)!
        .evaluate(() => (window as unknown as TabWindow).ssekitTabs.subscribe('EXTRA'));
      publisher.setTopics([...range(TABS).map((i) => topicOf(i - 1)), 'EXTRA']);
      await waitForTabs(
        new Map([[1, tabs.get(1)!]]),
        'EXTRA events',
        (s) => (s.received.EXTRA?.length ?? 0) >= 10,
      );
      expect(connects.length - beforeExtra).toBe(1);
      expect(new URL(connects.at(-1)!, server.origin).searchParams.getAll('topic')).toContain(
        'price:EXTRA',
      );

      await publisher.stop();
      const totals = Object.fromEntries(
        [...publisher.published].map(([topic, ids]) => [topic, ids.length]),
      );
      const states = await waitForTabs(
        tabs,
        'every published event in every tab',
        (s, tab) =>
          (s.received[`T${tab}`]?.length ?? 0) >= (totals as Record<string, number>)[`T${tab}`]!,
      );
      await waitForTabs(
        new Map([[1, tabs.get(1)!]]),
        'every EXTRA event',
        (s) => (s.received.EXTRA?.length ?? 0) >= totals.EXTRA!,
      );
      await quietPeriod(300); // nothing more may arrive: a duplicate would show here
      for (const [tab, page] of tabs) {
        const state = tab === 1 ? await readTab(page) : states.get(tab)!;
        // The received sequence is the published one: each number once, in order, none missing.
        expect(state.received[topicOf(tab)], `tab ${tab}`).toEqual(range(totals[topicOf(tab)]!));
        expect(state.errors, `tab ${tab}`).toEqual([]);
        expect(state.pageErrors, `tab ${tab}`).toEqual([]);
        expect(state.statuses.at(-1)).toBe('open');
      }
      const tab1 = await readTab(tabs.get(1)!);
      // EXTRA was subscribed before its first event was published: all of them, once each.
      expect(tab1.received.EXTRA).toEqual(range(totals.EXTRA!));
      expect(server.sse.stats().connections).toBe(1);
    } finally {
      await context.close();
    }
  });

  it('without sharing, ten tabs want ten connections: six open, the seventh stalls on HTTP/1.1', async () => {
    const bundle = await bundlePage('./tabs-page.ts');
    await using server = await startTestServer(contract, { retryMs }, servePage(bundle));
    await using chromium = await launchChromium();
    // The pages load first: once six streams hold the origin's six sockets, a page load stalls too.
    const { context, tabs } = await openTabs(chromium.browser, server.origin, TABS);
    try {
      for (let tab = 0; tab < 6; tab++) {
        await openClient(tabs.get(tab)!, false, [topicOf(tab)]);
        await waitForTabs(
          new Map([[tab, tabs.get(tab)!]]),
          `tab ${tab} to open`,
          (s) => s.status === 'open',
        );
      }
      for (let tab = 6; tab < TABS; tab++) await openClient(tabs.get(tab)!, false, [topicOf(tab)]);
      await quietPeriod(1_500);
      expect(server.sse.stats().connections).toBe(6);
      const stalled = new Map([...tabs].filter(([tab]) => tab >= 6));
      for (const [tab, page] of stalled)
        expect((await readTab(page)).status, `tab ${tab}`).toBe('connecting');

      // A tab that closes frees a socket: one of the stalled tabs gets it.
      await tabs.get(0)!.close();
      await waitFor(async () => {
        let open = 0;
        for (const page of stalled.values()) if ((await readTab(page)).status === 'open') open++;
        return open === 1;
      }, 'exactly one stalled tab to open');
      expect(server.sse.stats().connections).toBe(6);
    } finally {
      await context.close();
    }
  });
});
