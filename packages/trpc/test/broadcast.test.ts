import { createClient } from '@ssekit/client';
import type { AnyEvent } from '@ssekit/core';
import { nextTurn, quietPeriod } from '@ssekit/test-kit';
import type { BroadcastItem, TrackedItem } from '@ssekit/trpc';
import { EventSource } from 'eventsource';
import { describe, expect, it } from 'vitest';
import { type Contract, contract } from './app.js';
import { createTestClient, startTrpcTestServer, waitFor } from './utils.js';

type Item = TrackedItem<BroadcastItem<Contract>>;

/** Subscribe a tRPC client to the broadcast procedure and collect what arrives. */
function collect(
  client: ReturnType<typeof createTestClient>,
  input: Parameters<ReturnType<typeof createTestClient>['sse']['events']['subscribe']>[0],
) {
  const items: Item[] = [];
  const errors: unknown[] = [];
  const sub = client.sse.events.subscribe(input, {
    onData: (item) => items.push(item),
    onError: (error) => errors.push(error),
  });
  const events = () =>
    items.filter((item) => !item.data.event.startsWith('ssekit.')) as TrackedItem<
      AnyEvent<Contract>
    >[];
  return { items, errors, events, sub };
}

const at = new Date('2026-11-24T10:00:00.000Z');

describe('broadcast procedure', () => {
  it('a tRPC client gets the same events as an ssekit client, from the same publish(), in the same order', async () => {
    await using server = await startTrpcTestServer();
    const trpc = createTestClient(server.trpcUrl);
    const fromTrpc = collect(trpc, undefined);
    const fromTrpcAapl = collect(trpc, { events: ['price'], topics: { price: ['AAPL'] } });

    const ssekit = createClient(contract, { url: server.sseUrl, EventSource });
    const fromSsekit: AnyEvent<Contract>[] = [];
    ssekit.subscribe('price', (data) => fromSsekit.push({ event: 'price', data }));
    ssekit.subscribe('trade', (data) => fromSsekit.push({ event: 'trade', data }));

    await waitFor(
      () =>
        ssekit.status === 'open' && fromTrpc.items.length === 1 && fromTrpcAapl.items.length === 1,
      'both connected',
    );
    // A subscription without lastEventId starts with the log's position.
    expect(fromTrpc.items[0]).toEqual({
      id: server.sse.broker.lastId(),
      data: { event: 'ssekit.ready', data: {} },
    });

    const ids: string[] = [];
    const expected: AnyEvent<Contract>[] = [];
    for (let i = 0; i < 600; i++) {
      if (i % 3 === 2) {
        const data = { id: `t${i}`, symbol: 'MSFT', qty: i };
        ids.push(server.sse.publish('trade', data, { topic: 'MSFT' }));
        expected.push({ event: 'trade', data });
      } else {
        const symbol = i % 3 === 0 ? 'AAPL' : 'MSFT';
        const data = { symbol, price: 100 + i, at: new Date(at.getTime() + i) };
        ids.push(server.sse.publish('price', data, { topic: symbol }));
        expected.push({ event: 'price', data });
      }
      if (i % 50 === 49) await nextTurn(1);
    }
    await waitFor(
      () => fromTrpc.events().length === 600 && fromSsekit.length === 600,
      'all delivered',
    );
    await waitFor(() => fromTrpcAapl.events().length === 200, 'AAPL delivered');
    await quietPeriod(50);

    expect(fromTrpc.events().map((item) => item.data)).toEqual(expected);
    expect(fromSsekit).toEqual(expected);
    // The tracked ids are the log's ids: what publish() returned.
    expect(fromTrpc.events().map((item) => item.id)).toEqual(ids);
    // Decoded with the contract's schema: a Date, carried by the app's transformer.
    const first = fromTrpc.events()[0]!.data;
    expect(first.event === 'price' && first.data.at).toBeInstanceOf(Date);
    expect(fromTrpcAapl.events().map((item) => item.data)).toEqual(
      expected.filter((e) => e.event === 'price' && e.data.symbol === 'AAPL'),
    );
    expect(fromTrpc.errors).toEqual([]);

    fromTrpc.sub.unsubscribe();
    fromTrpcAapl.sub.unsubscribe();
    ssekit.close();
  });

  it('a tRPC mutation publishes: a placed order reaches tRPC and ssekit subscribers as a trade', async () => {
    await using server = await startTrpcTestServer();
    const trpc = createTestClient(server.trpcUrl);
    const trades = collect(trpc, { events: ['trade'] });
    const ssekit = createClient(contract, { url: server.sseUrl, EventSource });
    const fromSsekit: unknown[] = [];
    ssekit.subscribe('trade', (t) => fromSsekit.push(t), { topic: 'AAPL' });
    await waitFor(() => ssekit.status === 'open' && trades.items.length === 1, 'connected');

    const placed = await trpc.placeOrder.mutate({ symbol: 'AAPL', qty: 10 });
    expect(placed.tradeId).toBe('T1');
    await waitFor(() => trades.events().length === 1 && fromSsekit.length === 1, 'trade arrived');
    expect(trades.events()[0]).toEqual({
      id: placed.eventId,
      data: { event: 'trade', data: { id: 'T1', symbol: 'AAPL', qty: 10 } },
    });
    expect(fromSsekit).toEqual([{ id: 'T1', symbol: 'AAPL', qty: 10 }]);
    trades.sub.unsubscribe();
    ssekit.close();
  });

  it('resumes from lastEventId out of the same replay log, then goes live with no gap', async () => {
    await using server = await startTrpcTestServer();
    const ids: string[] = [];
    for (let i = 0; i < 10; i++)
      ids.push(server.sse.publish('trade', { id: `t${i}`, symbol: 'X', qty: i }));
    const trpc = createTestClient(server.trpcUrl);
    const resumed = collect(trpc, { lastEventId: ids[3] });
    await waitFor(() => resumed.events().length === 6, 'replayed');
    server.sse.publish('trade', { id: 't10', symbol: 'X', qty: 10 });
    await waitFor(() => resumed.events().length === 7, 'live');
    await quietPeriod(30);
    // No ready item on a resume: the client has its position already.
    expect(resumed.items.map((item) => item.data.event)).toEqual(Array(7).fill('trade'));
    expect(
      resumed.events().map((item) => (item.data.event === 'trade' ? item.data.data.qty : -1)),
    ).toEqual([4, 5, 6, 7, 8, 9, 10]);
    resumed.sub.unsubscribe();
  });

  it('an impossible resume yields ssekit.reset, typed, then live events', async () => {
    await using server = await startTrpcTestServer({ broker: { maxEvents: 3 } });
    const old = server.sse.publish('trade', { id: 'a', symbol: 'X', qty: 1 });
    for (let i = 0; i < 5; i++) server.sse.publish('trade', { id: `b${i}`, symbol: 'X', qty: i });
    const trpc = createTestClient(server.trpcUrl);
    const tooOld = collect(trpc, { lastEventId: old });
    const otherEpoch = collect(trpc, { lastEventId: 'zzzz0000-7' });
    const malformed = collect(trpc, { lastEventId: 'not an id' });
    await waitFor(
      () => tooOld.items.length + otherEpoch.items.length + malformed.items.length === 3,
      'resets',
    );
    const head = server.sse.broker.lastId();
    expect(tooOld.items).toEqual([
      { id: head, data: { event: 'ssekit.reset', data: { reason: 'too-old' } } },
    ]);
    expect(otherEpoch.items[0]?.data).toEqual({
      event: 'ssekit.reset',
      data: { reason: 'unknown-epoch' },
    });
    expect(malformed.items[0]?.data).toEqual({
      event: 'ssekit.reset',
      data: { reason: 'malformed' },
    });
    const live = server.sse.publish('trade', { id: 'c', symbol: 'X', qty: 9 });
    await waitFor(() => tooOld.items.length === 2, 'live after reset');
    expect(tooOld.items[1]?.id).toBe(live);
    for (const s of [tooOld, otherEpoch, malformed]) s.sub.unsubscribe();
  });

  it('a dropped subscription resumes with no gap and no duplicate (sockets destroyed mid-stream)', async () => {
    await using server = await startTrpcTestServer();
    const trpc = createTestClient(server.trpcUrl);
    const sub = collect(trpc, { events: ['trade'] });
    await waitFor(() => sub.items.length === 1, 'ready');

    const expected: number[] = [];
    let cuts = 0;
    for (let i = 0; i < 300; i++) {
      server.sse.publish('trade', { id: `t${i}`, symbol: 'X', qty: i });
      expected.push(i);
      if (i % 20 === 19) await nextTurn(2);
      if (i === 100 || i === 200) {
        // Wait until something arrived since the last cut, so that each cut is mid-stream.
        await waitFor(() => sub.events().length > i - 90, 'progress before the cut');
        cuts += server.cutSockets() > 0 ? 1 : 0;
      }
    }
    await waitFor(() => sub.events().length >= 300, {
      message: 'all delivered after reconnects',
      timeoutMs: 20_000,
    });
    await quietPeriod(50);
    expect(cuts).toBe(2);
    expect(
      sub.events().map((item) => (item.data.event === 'trade' ? item.data.data.qty : -1)),
    ).toEqual(expected);
    // The link reconnected with the last tracked id each time.
    expect(server.resumes.length).toBeGreaterThanOrEqual(2);
    expect(sub.errors).toEqual([]);
    sub.sub.unsubscribe();
  });

  it('a subscription that drops before its first event still misses nothing', async () => {
    await using server = await startTrpcTestServer();
    const trpc = createTestClient(server.trpcUrl);
    const sub = collect(trpc, undefined);
    await waitFor(() => sub.items.length === 1, 'ready');
    const readyId = sub.items[0]!.id;
    server.cutSockets();
    // Published while the client is away: the replay log holds them.
    for (let i = 0; i < 5; i++) server.sse.publish('trade', { id: `t${i}`, symbol: 'X', qty: i });
    await waitFor(() => sub.events().length === 5, {
      message: 'replayed after reconnect',
      timeoutMs: 20_000,
    });
    expect(server.resumes).toContain(readyId);
    sub.sub.unsubscribe();
  });

  it('unsubscribing ends the broker subscription', async () => {
    await using server = await startTrpcTestServer();
    const baseline = server.broker.listeners; // the SSE hub's own
    const trpc = createTestClient(server.trpcUrl);
    const subs = Array.from({ length: 5 }, () => collect(trpc, undefined));
    await waitFor(() => server.broker.listeners === baseline + 5, 'subscribed');
    await waitFor(() => subs.every((s) => s.items.length === 1), 'ready');
    for (const s of subs) s.sub.unsubscribe();
    await waitFor(() => server.broker.listeners === baseline, 'unsubscribed');
    // A cut socket ends it too.
    const again = collect(trpc, undefined);
    await waitFor(() => again.items.length === 1, 'ready again');
    again.sub.unsubscribe();
    await waitFor(() => server.broker.listeners === baseline, 'unsubscribed again');
  });

  it("without an authorize of their own, the procedures inherit the server's; null opens them", async () => {
    const serverAuthorize = (req: { headers: Record<string, unknown> }) =>
      req.headers['x-key'] === 'ok';
    await using guarded = await startTrpcTestServer({ serverAuthorize });
    const refused = collect(createTestClient(guarded.trpcUrl), { events: ['trade'] });
    await waitFor(() => refused.errors.length === 1, 'refused');
    expect(refused.errors[0]).toMatchObject({ data: { code: 'FORBIDDEN' } });

    await using open = await startTrpcTestServer({ serverAuthorize, authorize: null });
    const sub = collect(createTestClient(open.trpcUrl), { events: ['trade'] });
    await waitFor(() => sub.items.length === 1, 'ready');
    expect(sub.errors).toEqual([]);
    sub.sub.unsubscribe();
  });

  it('authorize: a predicate filters events, false refuses with FORBIDDEN', async () => {
    await using server = await startTrpcTestServer({
      authorize: ({ ctx, request }) => {
        // The tRPC context is there: the express request, through createContext.
        expect(ctx.req.headers.host).toBeTruthy();
        if (request.type !== 'events') return true;
        if (request.topics.some(([, topic]) => topic === 'SECRET')) return false;
        return (event, topic) => event !== 'trade' || topic === 'AAPL';
      },
    });
    const trpc = createTestClient(server.trpcUrl);
    const sub = collect(trpc, { events: ['trade'] });
    await waitFor(() => sub.items.length === 1, 'ready');
    server.sse.publish('trade', { id: '1', symbol: 'MSFT', qty: 1 }, { topic: 'MSFT' });
    server.sse.publish('trade', { id: '2', symbol: 'AAPL', qty: 2 }, { topic: 'AAPL' });
    await waitFor(() => sub.events().length === 1, 'filtered');
    await quietPeriod(30);
    expect(sub.events().map((item) => item.data.data)).toEqual([
      { id: '2', symbol: 'AAPL', qty: 2 },
    ]);
    sub.sub.unsubscribe();

    const refused = collect(trpc, { topics: { price: ['SECRET'] } });
    await waitFor(() => refused.errors.length === 1, 'refused');
    expect(refused.errors[0]).toMatchObject({
      name: 'TRPCClientError',
      data: { code: 'FORBIDDEN', ssekit: { code: 'FORBIDDEN' } },
    });
    expect(refused.items).toEqual([]);
  });

  it('refuses an input that names an unknown event, with BAD_REQUEST', async () => {
    await using server = await startTrpcTestServer();
    const trpc = createTestClient(server.trpcUrl);
    const sub = collect(trpc, { events: ['nope' as 'trade'] });
    await waitFor(() => sub.errors.length === 1, 'refused');
    expect(sub.errors[0]).toMatchObject({ data: { code: 'BAD_REQUEST' } });
  });
});
