// Errors that speak in Chromium (issue 17): the platform EventSource reports what Node reports, a
// typo'd URL ends, an unreachable server is reported with its attempt count, one refused event is dropped.
import { describe, expect, it } from 'vitest';
import { startTestServer, waitFor } from '../../../server/test/utils.js';
import { contract } from './contract.js';
import { bearerAuth, clientOf, publishTicks, retryMs, ticks } from './fixtures.js';
import {
  bundlePage,
  launchChromium,
  openClient,
  openTestPage,
  readState,
  servePage,
  waitForPage,
} from './harness.js';

describe('createClient in Chromium: errors that speak', { timeout: 60_000 }, () => {
  it('over the platform EventSource: a 404 and a 401 end with their code and closed; an unreachable server is reported per attempt', async () => {
    const bundle = await bundlePage();
    const auth = bearerAuth('t1');
    await using server = await startTestServer(
      contract,
      { retryMs, authorize: auth.authorize },
      servePage(bundle),
    );
    // A port where nothing listens.
    const dead = await startTestServer(contract, {});
    const deadUrl = dead.url;
    await dead.close();
    await using chromium = await launchChromium();
    await using tab = await openTestPage(chromium.browser, server.origin);
    const { page } = tab;

    await openClient(page, 'typo', { transport: 'eventsource', url: '/sse-typo' });
    await openClient(page, 'anon', { transport: 'eventsource' });
    await openClient(page, 'down', { transport: 'eventsource', url: deadUrl });
    await waitForPage(
      page,
      'typo and anon closed, two failed attempts of down',
      (s) =>
        s.clients.typo?.status === 'closed' &&
        s.clients.anon?.status === 'closed' &&
        (s.clients.down?.errors.length ?? 0) >= 2,
      null,
      20_000,
    );
    const state = await readState(page);
    const pick = (key: string) =>
      clientOf(state, key).errors.map(({ code, status, attempt }) => ({ code, status, attempt }));
    expect(pick('typo')).toEqual([{ code: 'HTTP_ERROR', status: 404, attempt: null }]);
    expect(pick('anon')).toEqual([{ code: 'UNAUTHORIZED', status: 401, attempt: null }]);
    expect(pick('down').slice(0, 2)).toEqual([
      { code: 'NETWORK_ERROR', status: null, attempt: 1 },
      { code: 'NETWORK_ERROR', status: null, attempt: 2 },
    ]);
    expect(clientOf(state, 'typo').statuses).toEqual(['connecting', 'reconnecting', 'closed']);
    expect(clientOf(state, 'down').status).toBe('reconnecting');
    expect(state.pageErrors).toEqual([]);
  });

  it.each(['eventsource', 'fetch'] as const)(
    'over %s: a subscription to an event the server does not know is dropped with UNKNOWN_EVENT; the others go on',
    async (transport) => {
      const bundle = await bundlePage();
      await using server = await startTestServer(contract, { retryMs }, servePage(bundle));
      await using chromium = await launchChromium();
      await using tab = await openTestPage(chromium.browser, server.origin);
      const { page } = tab;
      await openClient(page, 'n', { transport, newer: true });
      await waitForPage(page, 'the client to open', (s) => s.clients.n?.status === 'open', null);
      await waitFor(() => server.sse.stats().connections === 1, 'one connection');
      publishTicks(server.sse.publish, 1, 5);
      await waitForPage(page, '5 ticks', (s) => (s.clients.n?.ticks.length ?? 0) >= 5, null);
      const n = clientOf(await readState(page), 'n');
      expect(n.ticks).toEqual(ticks(1, 5));
      expect(n.errors.map(({ code, status, event }) => ({ code, status, event }))).toEqual([
        { code: 'UNKNOWN_EVENT', status: 400, event: 'news' },
      ]);
      expect(n.news).toEqual([]);
    },
  );
});
