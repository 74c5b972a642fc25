import { SseError } from '@ssekit/core';
import { createSseServer, type MemoryBroker, memoryBroker } from '@ssekit/server';
import type { Request } from 'express';
import { describe, expect, it } from 'vitest';
import {
  startTestServer,
  type TestServer,
  trackSockets,
  waitFor,
} from '../../../server/test/utils.js';
import { contract, tickDate } from './contract.js';
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
import type { ClientRecord, PageState, PageTransport, ReceivedTick } from './page-api.js';

type Server = TestServer<typeof contract>;

/** What the page must have recorded for ticks `from..to`: decoded, with a real Date. */
function ticks(from: number, to: number): ReceivedTick[] {
  return Array.from({ length: to - from + 1 }, (_, i) => ({
    seq: from + i,
    note: `tick ${from + i}`,
    atIsDate: true,
    atIso: tickDate(from + i).toISOString(),
  }));
}

/** Publish ticks `from..to` and return their ids. */
function publishTicks(publish: Server['sse']['publish'], from: number, to: number): string[] {
  const ids: string[] = [];
  for (let seq = from; seq <= to; seq++) {
    ids.push(publish('tick', { seq, at: tickDate(seq), note: `tick ${seq}` }) as string);
  }
  return ids;
}

function clientOf(state: PageState, key: string): ClientRecord {
  const record = state.clients[key];
  if (!record) throw new Error(`no client ${key} in the page`);
  return record;
}

/** Bearer-token access: the set of valid tokens can change, and every connect is recorded. */
function bearerAuth(...tokens: string[]) {
  const valid = new Set(tokens);
  const seen: { authorization: string | null; lastEventId: string | null }[] = [];
  return {
    valid,
    seen,
    authorize(req: Request) {
      const authorization = req.headers.authorization ?? null;
      const lastEventId = req.headers['last-event-id'];
      seen.push({
        authorization,
        lastEventId: typeof lastEventId === 'string' ? lastEventId : null,
      });
      if (!authorization?.startsWith('Bearer ') || !valid.has(authorization.slice(7))) {
        throw new SseError('UNAUTHORIZED', 'A valid bearer token is required');
      }
      return true;
    },
  };
}

/** Take the server down as a crashed process would: no new connects, every socket cut. */
async function stopServer(server: Server): Promise<void> {
  server.http.close();
  server.http.closeAllConnections();
  await server.close();
}

const portOf = (server: Server) => Number(new URL(server.origin).port);

// The server's `retry:`: the platform EventSource waits this long before it reconnects.
const retryMs = 100;

describe('createClient in a real browser (Chromium)', () => {
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
    expect(clientOf(await readState(page), 'a').statuses).toEqual(['connecting', 'open', 'closed']);
    expect(state.pageErrors).toEqual([]);
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
  });

  describe.each([
    ['eventsource', 'the same broker'],
    ['fetch', 'the same broker'],
    ['eventsource', 'a new broker'],
    ['fetch', 'a new broker'],
  ] as const)('over %s, a server restart with %s', (transport: PageTransport, mode) => {
    it(
      mode === 'the same broker'
        ? 'resumes: every event once, in order; open → reconnecting → open'
        : 'gets onReset once and goes on',
      async () => {
        const bundle = await bundlePage();
        const auth = bearerAuth('t1');
        const broker = memoryBroker();
        const options = (b: MemoryBroker) => ({
          retryMs,
          broker: b,
          ...(transport === 'fetch' ? { authorize: auth.authorize } : {}),
        });
        await using first = await startTestServer(contract, options(broker), servePage(bundle));
        // Publishes into the shared log while no HTTP server runs, as another process would.
        const publisher = createSseServer(contract, { broker });
        try {
          await using chromium = await launchChromium();
          await using tab = await openTestPage(chromium.browser, first.origin);
          const { page } = tab;
          await setToken(page, 't1');
          await openClient(page, 'c', { transport });
          await waitForPage(
            page,
            'the client to open',
            (s) => s.clients.c?.status === 'open',
            null,
          );
          publishTicks(first.sse.publish, 1, 20);
          await waitForPage(page, '20 ticks', (s) => (s.clients.c?.ticks.length ?? 0) >= 20, null);

          await stopServer(first);
          await waitForPage(
            page,
            'the client to see the server go',
            (s) => s.clients.c?.status === 'reconnecting',
            null,
          );
          publishTicks(publisher.publish, 21, 40);

          const secondBroker = mode === 'the same broker' ? broker : memoryBroker();
          await using second = await startTestServer(
            contract,
            options(secondBroker),
            servePage(bundle),
            portOf(first),
          );
          const sockets = trackSockets(second.http);
          if (mode === 'the same broker') {
            // Published at once, maybe before the page is back: replay or live, each arrives once.
            publishTicks(second.sse.publish, 41, 60);
            await waitForPage(
              page,
              'the client to reopen',
              (s) => s.clients.c?.status === 'open' && s.clients.c.statuses.length >= 4,
              null,
            );
            publishTicks(second.sse.publish, 61, 80);
            await waitForPage(
              page,
              '80 ticks',
              (s) => (s.clients.c?.ticks.length ?? 0) >= 80,
              null,
            );
            const c = clientOf(await readState(page), 'c');
            expect(c.ticks).toEqual(ticks(1, 80));
            expect(c.statuses).toEqual(['connecting', 'open', 'reconnecting', 'open']);
            expect(c.resets).toEqual([]);
            expect(c.errors).toEqual([]);
          } else {
            // A new epoch: ticks 21–40 are gone with the old log, and the server says so once.
            await waitForPage(
              page,
              'the reset',
              (s) => s.clients.c?.status === 'open' && s.clients.c.resets.length >= 1,
              null,
            );
            publishTicks(second.sse.publish, 41, 60);
            await waitForPage(
              page,
              '40 ticks',
              (s) => (s.clients.c?.ticks.length ?? 0) >= 40,
              null,
            );
            // After the reset the client resumes in the new epoch: one more cut, no second reset.
            for (const socket of sockets) socket.destroy();
            await waitForPage(
              page,
              'the second cut to be seen',
              (s) => (s.clients.c?.statuses.filter((x) => x === 'reconnecting').length ?? 0) >= 2,
              null,
            );
            publishTicks(second.sse.publish, 61, 70);
            await waitForPage(
              page,
              '50 ticks',
              (s) => (s.clients.c?.ticks.length ?? 0) >= 50,
              null,
            );
            const c = clientOf(await readState(page), 'c');
            expect(c.ticks).toEqual([...ticks(1, 20), ...ticks(41, 70)]);
            expect(c.resets).toEqual(['unknown-epoch']);
            expect(c.statuses).toEqual([
              'connecting',
              'open',
              'reconnecting',
              'open',
              'reconnecting',
              'open',
            ]);
            expect(c.errors).toEqual([]);
          }
          const state = await readState(page);
          if (transport === 'eventsource') {
            // The platform EventSource reconnected by itself: one object all along.
            expect(state.eventSources).toHaveLength(1);
            expect(state.fetches).toEqual([]);
          } else {
            expect(state.eventSources).toEqual([]);
            expect(auth.seen.every((s) => s.authorization === 'Bearer t1')).toBe(true);
          }
          expect(state.pageErrors).toEqual([]);
        } finally {
          await publisher.close();
        }
      },
    );
  });
});
