import { type MemoryBroker, memoryBroker } from '@ssekit/server';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { startTestServer, trackSockets } from '../../../server/test/utils.js';
import { contract } from './contract.js';
import {
  bearerAuth,
  clientOf,
  logPublisher,
  portOf,
  publishTicks,
  retryMs,
  stopServer,
  ticks,
} from './fixtures.js';
import {
  bundlePage,
  launchChromium,
  openClient,
  openTestPage,
  readState,
  servePage,
  setToken,
  waitForPage,
} from './harness.js';
import type { ClientRecord, PageState, PageTransport } from './page-api.js';

/** Server options: a bearer token is required where the client can send one. */
function serverOptions(
  transport: PageTransport,
  broker: MemoryBroker,
  auth: ReturnType<typeof bearerAuth>,
) {
  return { retryMs, broker, ...(transport === 'fetch' ? { authorize: auth.authorize } : {}) };
}

/** Open client `c` in the page and wait until it is open. */
async function connect(page: Page, transport: PageTransport): Promise<void> {
  await setToken(page, 't1');
  await openClient(page, 'c', { transport });
  await waitForPage(page, 'the client to open', (s) => s.clients.c?.status === 'open', null);
}

/** The transport the page used all along: one platform EventSource, or fetches with the token. */
function expectTransport(
  state: PageState,
  transport: PageTransport,
  auth: ReturnType<typeof bearerAuth>,
) {
  if (transport === 'eventsource') {
    // At most one probe per platform EventSource that failed before it opened: why it failed.
    expect(state.fetches.length).toBeLessThan(Math.max(state.eventSources.length, 1));
  } else {
    expect(state.eventSources).toEqual([]);
    expect(auth.seen.length).toBeGreaterThan(1);
    expect(auth.seen.every((s) => s.authorization === 'Bearer t1')).toBe(true);
  }
  expect(state.pageErrors).toEqual([]);
}

/** Errors of attempts that failed while the server was down: network failures, each with a count. */
function expectRetryErrors(errors: ClientRecord['errors']) {
  for (const error of errors) {
    expect(error).toMatchObject({ code: 'NETWORK_ERROR', event: null });
    expect(error.attempt).toBeGreaterThanOrEqual(1);
  }
}

describe.each(['eventsource', 'fetch'] as const)(
  'createClient in Chromium over %s: server restarts',
  { timeout: 60_000 },
  (transport) => {
    it('a crash, and a new server on the same port with the same broker: every event once, in order; open → reconnecting → open', async () => {
      const bundle = await bundlePage();
      const auth = bearerAuth('t1');
      const broker = memoryBroker();
      await using first = await startTestServer(
        contract,
        serverOptions(transport, broker, auth),
        servePage(bundle),
      );
      await using publisher = logPublisher(broker);
      await using chromium = await launchChromium();
      await using tab = await openTestPage(chromium.browser, first.origin);
      const { page } = tab;
      await connect(page, transport);
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
      await using second = await startTestServer(
        contract,
        serverOptions(transport, broker, auth),
        servePage(bundle),
        portOf(first),
      );
      // Published at once, likely before the page is back: replayed or live, each arrives once.
      publishTicks(second.sse.publish, 41, 60);
      await waitForPage(
        page,
        'the client to reopen',
        (s) => s.clients.c?.status === 'open' && s.clients.c.statuses.length >= 4,
        null,
      );
      publishTicks(second.sse.publish, 61, 80);
      await waitForPage(page, '80 ticks', (s) => (s.clients.c?.ticks.length ?? 0) >= 80, null);

      const state = await readState(page);
      const c = clientOf(state, 'c');
      expect(c.ticks).toEqual(ticks(1, 80));
      expect(c.statuses).toEqual(['connecting', 'open', 'reconnecting', 'open']);
      expect(c.resets).toEqual([]);
      // The platform EventSource and FetchEventSource both retry a refused socket by themselves;
      // each attempt that failed while the server was down is reported, with its count.
      expectRetryErrors(c.errors);
      if (transport === 'eventsource') expect(state.eventSources).toHaveLength(1);
      expectTransport(state, transport, auth);
    });

    it('a crash, and a new server with a new broker (new epoch): onReset once, then it goes on', async () => {
      const bundle = await bundlePage();
      const auth = bearerAuth('t1');
      const broker = memoryBroker();
      await using first = await startTestServer(
        contract,
        serverOptions(transport, broker, auth),
        servePage(bundle),
      );
      await using publisher = logPublisher(broker);
      await using chromium = await launchChromium();
      await using tab = await openTestPage(chromium.browser, first.origin);
      const { page } = tab;
      await connect(page, transport);
      publishTicks(first.sse.publish, 1, 20);
      await waitForPage(page, '20 ticks', (s) => (s.clients.c?.ticks.length ?? 0) >= 20, null);

      await stopServer(first);
      await waitForPage(
        page,
        'the client to see the server go',
        (s) => s.clients.c?.status === 'reconnecting',
        null,
      );
      // Into the old log: gone with it. The reset is how the app learns that it must resynchronise.
      publishTicks(publisher.publish, 21, 40);
      await using second = await startTestServer(
        contract,
        serverOptions(transport, memoryBroker(), auth),
        servePage(bundle),
        portOf(first),
      );
      const sockets = trackSockets(second.http);
      await waitForPage(
        page,
        'the reset',
        (s) => s.clients.c?.status === 'open' && s.clients.c.resets.length >= 1,
        null,
      );
      publishTicks(second.sse.publish, 41, 60);
      await waitForPage(page, '40 ticks', (s) => (s.clients.c?.ticks.length ?? 0) >= 40, null);

      // The client now holds an id of the new epoch: one more cut resumes without a second reset.
      for (const socket of sockets) socket.destroy();
      await waitForPage(
        page,
        'the second cut to be seen',
        (s) => (s.clients.c?.statuses.filter((x) => x === 'reconnecting').length ?? 0) >= 2,
        null,
      );
      publishTicks(second.sse.publish, 61, 70);
      await waitForPage(page, '50 ticks', (s) => (s.clients.c?.ticks.length ?? 0) >= 50, null);

      const state = await readState(page);
      const c = clientOf(state, 'c');
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
      expectRetryErrors(c.errors);
      if (transport === 'eventsource') expect(state.eventSources).toHaveLength(1);
      expectTransport(state, transport, auth);
    });

    it('a graceful restart: 503 while the old server drains, then the new one; no loss, and the status stays reconnecting until open', async () => {
      const bundle = await bundlePage();
      const auth = bearerAuth('t1');
      const broker = memoryBroker();
      await using first = await startTestServer(
        contract,
        serverOptions(transport, broker, auth),
        servePage(bundle),
      );
      await using publisher = logPublisher(broker);
      await using chromium = await launchChromium();
      await using tab = await openTestPage(chromium.browser, first.origin);
      const { page } = tab;
      await connect(page, transport);
      publishTicks(first.sse.publish, 1, 20);
      await waitForPage(page, '20 ticks', (s) => (s.clients.c?.ticks.length ?? 0) >= 20, null);

      // close() ends every stream; the server still listens and answers reconnects with 503.
      await first.sse.close({ graceMs: 200 });
      await waitForPage(
        page,
        'a refused reconnect',
        (s) => (s.clients.c?.errors.length ?? 0) >= 1,
        null,
      );
      publishTicks(publisher.publish, 21, 40);
      await stopServer(first);
      await using second = await startTestServer(
        contract,
        serverOptions(transport, broker, auth),
        servePage(bundle),
        portOf(first),
      );
      publishTicks(second.sse.publish, 41, 60);
      await waitForPage(
        page,
        'the client to reopen',
        (s) => s.clients.c?.status === 'open' && s.clients.c.statuses.length >= 4,
        null,
      );
      publishTicks(second.sse.publish, 61, 80);
      await waitForPage(page, '80 ticks', (s) => (s.clients.c?.ticks.length ?? 0) >= 80, null);

      const state = await readState(page);
      const c = clientOf(state, 'c');
      expect(c.ticks).toEqual(ticks(1, 80));
      // The client's own retries after a refusal are reconnects too: never `connecting` again.
      expect(c.statuses).toEqual(['connecting', 'open', 'reconnecting', 'open']);
      expect(c.resets).toEqual([]);
      // FetchEventSource reads the refusal; the platform EventSource only says that it failed.
      // The platform EventSource only says that it failed: one probe reads the refusal, unless the
      // new server already answers it with a stream (then it is a network failure).
      const refused = { code: 'SERVER_CLOSING', status: 503 };
      const failed = { code: 'NETWORK_ERROR', status: null };
      for (const { code, status, attempt } of c.errors) {
        expect(attempt).not.toBeNull();
        expect([refused, ...(transport === 'fetch' ? [] : [failed])]).toContainEqual({
          code,
          status,
        });
      }
      // Each refusal ends a source; the client opens the next one with the last id in the URL.
      if (transport === 'eventsource') {
        expect(state.eventSources).toHaveLength(1 + c.errors.length);
        for (const url of state.eventSources.slice(1)) {
          expect(new URL(url, first.origin).searchParams.get('lastEventId')).toMatch(/-20$/);
        }
      }
      expectTransport(state, transport, auth);
    });
  },
);
