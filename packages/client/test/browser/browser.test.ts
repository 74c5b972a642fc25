import { describe, expect, it } from 'vitest';
import { startTestServer, trackSockets, waitFor } from '../../../server/test/utils.js';
import { contract, tickDate } from './contract.js';
import { bearerAuth, clientOf, publishTicks, retryMs, ticks } from './fixtures.js';
import {
  bundlePage,
  closeClient,
  launchChromium,
  openClient,
  openTestPage,
  readState,
  servePage,
  setToken,
  waitForPage,
} from './harness.js';

// Each test launches its own Chromium; a loaded machine makes that slow, hence the longer bound.
describe('createClient in Chromium', { timeout: 60_000 }, () => {
  it('bundles for the browser from the client source, without Node built-ins', async () => {
    const bundle = await bundlePage();
    expect(bundle.builtins, 'Node built-ins in the page bundle').toEqual([]);
    expect(bundle.inputs).toContain('packages/client/src/index.ts');
    expect(bundle.inputs).toContain('packages/core/src/index.ts');
    expect(bundle.inputs.filter((input) => input.includes('/dist/'))).toEqual([]);
    expect(bundle.inputs.filter((input) => /packages\/server\//.test(input))).toEqual([]);
  });

  it('over the platform EventSource: typed events with Dates, topic narrowing, connecting → open', async () => {
    const bundle = await bundlePage();
    await using server = await startTestServer(contract, { retryMs }, servePage(bundle));
    await using chromium = await launchChromium();
    await using tab = await openTestPage(chromium.browser, server.origin);
    const { page } = tab;

    await openClient(page, 'a', { transport: 'eventsource', priceTopic: 'AAPL' });
    await waitForPage(page, 'the client to open', (s) => s.clients.a?.status === 'open', null);
    expect(server.sse.stats().connections).toBe(1);

    publishTicks(server.sse.publish, 1, 50);
    for (let i = 0; i < 10; i++) {
      const symbol = i % 2 === 0 ? 'AAPL' : 'MSFT';
      server.sse.publish('price', { symbol, price: 100 + i, at: tickDate(i) }, { topic: symbol });
    }
    await waitForPage(
      page,
      '50 ticks and 5 prices',
      (s) => (s.clients.a?.ticks.length ?? 0) >= 50 && (s.clients.a?.prices.length ?? 0) >= 5,
      null,
    );

    const state = await readState(page);
    const a = clientOf(state, 'a');
    expect(a.ticks).toEqual(ticks(1, 50));
    expect(a.prices).toEqual(
      [0, 2, 4, 6, 8].map((i) => ({
        symbol: 'AAPL',
        price: 100 + i,
        atIsDate: true,
        atIso: tickDate(i).toISOString(),
      })),
    );
    expect(a.statuses).toEqual(['connecting', 'open']);
    expect(a.errors).toEqual([]);
    expect(a.resets).toEqual([]);
    // The platform's own EventSource, one connection for both subscriptions; no fetch.
    expect(state.eventSources).toHaveLength(1);
    expect(new URL(state.eventSources[0]!, server.origin).search).toBe(
      '?events=price%2Ctick&topic=price%3AAAPL',
    );
    expect(state.fetches).toEqual([]);

    await closeClient(page, 'a');
    await waitFor(() => server.sse.stats().connections === 0, 'the browser to disconnect');
    const after = await readState(page);
    expect(clientOf(after, 'a').statuses).toEqual(['connecting', 'open', 'closed']);
    expect(after.pageErrors).toEqual([]);
  });

  it('over FetchEventSource with an async bearer token: 401 without it, typed events, the refreshed token after a reconnect', async () => {
    const bundle = await bundlePage();
    const auth = bearerAuth('t1');
    await using server = await startTestServer(
      contract,
      { retryMs, authorize: auth.authorize },
      servePage(bundle),
    );
    const sockets = trackSockets(server.http);
    await using chromium = await launchChromium();
    await using tab = await openTestPage(chromium.browser, server.origin);
    const { page } = tab;

    // No token: the server answers 401 before any stream byte, and the client gives up at once.
    await openClient(page, 'anon', { transport: 'fetch', anonymous: true });
    await waitForPage(page, 'the 401', (s) => s.clients.anon?.status === 'closed', null);
    const anon = clientOf(await readState(page), 'anon');
    expect(anon.statuses).toEqual(['connecting', 'closed']);
    expect(anon.errors.map(({ code, status }) => ({ code, status }))).toEqual([
      { code: 'UNAUTHORIZED', status: 401 },
    ]);
    expect(auth.seen).toEqual([{ authorization: null, lastEventId: null }]);

    await setToken(page, 't1');
    await openClient(page, 'b', { transport: 'fetch' });
    await waitForPage(page, 'the client to open', (s) => s.clients.b?.status === 'open', null);
    const ids = publishTicks(server.sse.publish, 1, 20);
    await waitForPage(page, '20 ticks', (s) => (s.clients.b?.ticks.length ?? 0) >= 20, null);
    expect(clientOf(await readState(page), 'b').ticks).toEqual(ticks(1, 20));

    // Rotate: t1 is revoked, the page gets t2. A reconnect that sent t1 again would get 401.
    auth.valid.clear();
    auth.valid.add('t2');
    await setToken(page, 't2');
    const connectsBefore = auth.seen.length;
    for (const socket of sockets) socket.destroy();
    await waitForPage(
      page,
      'the cut to be seen',
      (s) => s.clients.b?.statuses.includes('reconnecting') === true,
      null,
    );
    publishTicks(server.sse.publish, 21, 40);
    await waitForPage(
      page,
      'the client to reopen',
      (s) => s.clients.b?.status === 'open' && s.clients.b.statuses.length >= 4,
      null,
    );
    publishTicks(server.sse.publish, 41, 60);
    await waitForPage(page, '60 ticks', (s) => (s.clients.b?.ticks.length ?? 0) >= 60, null);

    const state = await readState(page);
    const b = clientOf(state, 'b');
    expect(b.ticks).toEqual(ticks(1, 60));
    expect(b.statuses).toEqual(['connecting', 'open', 'reconnecting', 'open']);
    expect(b.errors).toEqual([]);
    expect(b.resets).toEqual([]);
    // The reconnect asked the token function again and resumed from the last id it had seen.
    expect(auth.seen.slice(connectsBefore)).toEqual([
      { authorization: 'Bearer t2', lastEventId: ids[19] },
    ]);
    expect(state.eventSources).toEqual([]);
    expect(state.fetches.map((f) => f.authorization)).toEqual([null, 'Bearer t1', 'Bearer t2']);
    expect(state.pageErrors).toEqual([]);

    await closeClient(page, 'b');
    await waitFor(() => server.sse.stats().connections === 0, 'the fetch to be aborted');
    const after = await readState(page);
    expect(clientOf(after, 'b').statuses.at(-1)).toBe('closed');
    expect(after.pageErrors).toEqual([]);
  });
});
