// Exactly once on every resume path (issue 14): each case here failed before the replay cursor,
// the paged replay, the event bound, the total budget and the predicate guard.
import { defineContract, SseError } from '@ssekit/core';
import { MemoryBroker } from '@ssekit/server';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { openSession, type Session, SplitDeliveryBroker } from './sessions.js';
import { startTestServer, waitFor } from './utils.js';

const contract = defineContract({
  events: {
    tick: z.object({ seq: z.int(), pad: z.string() }),
    note: z.object({ text: z.string() }),
  },
});

const seqs = (session: Session, type = 'tick') =>
  session.events
    .filter((e) => e.type === type)
    .map((e) => (JSON.parse(e.data) as { seq: number }).seq);

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

describe('exactly once', () => {
  it('a resume whose replay is three times maxBufferedBytes arrives whole, then live events follow', async () => {
    await using server = await startTestServer(contract, {
      maxBufferedBytes: 1024 * 1024,
      broker: new MemoryBroker({ maxEvents: 10_000 }),
    });
    const start = server.sse.broker.lastId();
    const pad = 'x'.repeat(1000);
    for (let seq = 0; seq < 3000; seq++) server.sse.publish('tick', { seq, pad });
    const session = openSession(server.url, { 'last-event-id': start });
    await waitFor(() => seqs(session).length >= 3000, 'the 3 MB replay arrived', 20_000);
    for (let seq = 3000; seq < 3010; seq++) server.sse.publish('tick', { seq, pad });
    await waitFor(() => seqs(session).length >= 3010, 'live events after the replay');
    expect(seqs(session)).toEqual(range(0, 3010));
    expect(server.sse.stats().slowCloses).toBe(0);
    session.destroy();
  });

  it('a resume that stalls mid-replay picks up at the socket pace and loses nothing', async () => {
    await using server = await startTestServer(contract, { maxBufferedBytes: 64 * 1024 });
    const start = server.sse.broker.lastId();
    const pad = 'y'.repeat(2000);
    for (let seq = 0; seq < 1000; seq++) server.sse.publish('tick', { seq, pad });
    const session = openSession(server.url, { 'last-event-id': start });
    await waitFor(() => seqs(session).length > 0, 'the replay began');
    session.pause();
    // While it stalls, live events keep coming: the replay reads them from the log later.
    for (let seq = 1000; seq < 1200; seq++) server.sse.publish('tick', { seq, pad });
    await new Promise((resolve) => setTimeout(resolve, 100));
    session.resume();
    await waitFor(() => seqs(session).length >= 1200, 'everything arrived', 20_000);
    expect(seqs(session)).toEqual(range(0, 1200));
  });

  it('publish refuses an event over maxEventBytes with EVENT_TOO_LARGE; the events after it arrive', async () => {
    await using server = await startTestServer(contract, { maxBufferedBytes: 64 * 1024 });
    const session = openSession(server.url);
    await waitFor(() => session.lastId !== undefined, 'connected');
    server.sse.publish('tick', { seq: 0, pad: '' });
    let error: unknown;
    try {
      server.sse.publish('tick', { seq: 1, pad: 'z'.repeat(100 * 1024) });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(SseError);
    expect((error as SseError).code).toBe('EVENT_TOO_LARGE');
    server.sse.publish('tick', { seq: 2, pad: '' });
    await waitFor(() => seqs(session).length >= 2, 'the small events');
    expect(seqs(session)).toEqual([0, 2]);
    expect(server.sse.stats().published).toBe(2);
  });

  it('an RPC yield over maxEventBytes ends its stream with ssekit.error EVENT_TOO_LARGE', async () => {
    const streamContract = defineContract({
      events: {},
      streams: {
        dump: { input: z.object({}), events: { chunk: z.object({ text: z.string() }) } },
      },
    });
    await using server = await startTestServer(streamContract, {
      maxBufferedBytes: 64 * 1024,
      streams: {
        dump: async function* () {
          yield { event: 'chunk', data: { text: 'small' } };
          yield { event: 'chunk', data: { text: 'z'.repeat(40 * 1024) } };
          yield { event: 'chunk', data: { text: 'never' } };
        },
      },
    });
    const session = openSession(`${server.url}/streams/dump?input=%7B%7D`);
    await waitFor(() => session.ended, 'the stream ended');
    expect(session.events.map((e) => e.type)).toEqual(['chunk', 'ssekit.error']);
    expect(JSON.parse(session.events[1]!.data)).toMatchObject({ code: 'EVENT_TOO_LARGE' });
  });

  it('refuses maxEventBytes over half of maxBufferedBytes at creation', async () => {
    await expect(
      startTestServer(contract, { maxBufferedBytes: 64 * 1024, maxEventBytes: 64 * 1024 }),
    ).rejects.toThrow(/maxEventBytes/);
  });

  it('connections with an authorize predicate get each event once, in order, while resuming during publishing', async () => {
    await using server = await startTestServer(contract, {
      authorize: () => (event) => event === 'tick',
    });
    const sessions: Session[] = [];
    let last = server.sse.broker.lastId();
    const timer = setInterval(() => {
      for (let i = 0; i < 20; i++) server.sse.publish('tick', { seq: published++, pad: '' });
    }, 1);
    let published = 0;
    try {
      for (let round = 0; round < 20; round++) {
        const session = openSession(server.url, { 'last-event-id': last });
        sessions.push(session);
        await waitFor(() => seqs(session).length > 5, 'events arrive');
        session.destroy();
        last = session.lastId!;
      }
    } finally {
      clearInterval(timer);
    }
    const tail = openSession(server.url, { 'last-event-id': last });
    sessions.push(tail);
    for (let i = 0; i < 20; i++) server.sse.publish('tick', { seq: published++, pad: '' });
    await waitFor(() => (seqs(tail).at(-1) ?? -1) === published - 1, 'the tail caught up');
    expect(sessions.flatMap((s) => seqs(s))).toEqual(range(0, published));
    tail.destroy();
  });

  it('live events the replay already held are skipped however the broker splits their delivery', async () => {
    const broker = new SplitDeliveryBroker();
    await using server = await startTestServer(contract, { broker });
    const start = broker.lastId();
    for (let seq = 0; seq < 50; seq++) server.sse.publish('tick', { seq, pad: '' });
    // The log holds all 50 now; the hub is handed them one by one over the next ticks.
    const session = openSession(server.url, { 'last-event-id': start });
    const fresh = openSession(server.url);
    for (let seq = 50; seq < 60; seq++) server.sse.publish('tick', { seq, pad: '' });
    await waitFor(() => (seqs(session).at(-1) ?? -1) === 59, 'the resumed session caught up');
    await waitFor(() => fresh.lastId === session.lastId, 'the new session caught up');
    // Every piece of the split delivery has passed the hub by now.
    await waitFor(() => broker.inner.lastId() === session.lastId, 'delivery settled');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(seqs(session)).toEqual(range(0, 60));
    // A new connection starts at the log's newest id: it gets nothing from before it, once each.
    const got = seqs(fresh);
    expect(got).toEqual(got.length === 0 ? [] : range(got[0]!, 60));
    session.destroy();
    fresh.destroy();
  });

  it('a predicate that throws closes its own connection, reports it, and the process and others go on', async () => {
    const errors: { error: unknown; context: unknown }[] = [];
    await using server = await startTestServer(contract, {
      authorize: (req) =>
        req.headers['x-bad'] === '1'
          ? () => {
              throw new TypeError('predicate bug');
            }
          : true,
      onError: (error, context) => errors.push({ error, context }),
    });
    const good = openSession(server.url);
    const bad = openSession(server.url, { 'x-bad': '1' });
    const badResume = openSession(server.url, {
      'x-bad': '1',
      'last-event-id': server.sse.broker.lastId(),
    });
    await waitFor(() => good.lastId !== undefined && bad.lastId !== undefined, 'connected');
    server.sse.publish('tick', { seq: 0, pad: '' });
    await waitFor(() => bad.ended && badResume.ended, 'the bad connections closed');
    server.sse.publish('tick', { seq: 1, pad: '' });
    await waitFor(() => seqs(good).length === 2, 'the good one goes on');
    expect(errors.length).toBe(2);
    for (const { error, context } of errors) {
      expect(error).toBeInstanceOf(TypeError);
      expect(context).toEqual({ type: 'predicate', event: 'tick' });
    }
    expect(server.sse.stats().connections).toBe(1);
    good.destroy();
  });

  it('many never-reading connections are bounded in total: the furthest behind close first', async () => {
    await using server = await startTestServer(contract, {
      maxBufferedBytes: 512 * 1024,
      maxTotalBufferedBytes: 2 * 1024 * 1024,
      maxConnectionsPerIp: null,
    });
    // Unique topic filters: no two share a group, as in the report.
    const stalled = Array.from({ length: 30 }, (_, i) =>
      openSession(`${server.url}?events=note,tick&topic=note:t${i}`),
    );
    await waitFor(() => server.sse.stats().connections === 30, 'connected');
    for (const s of stalled) s.pause();
    const pad = 'p'.repeat(4000);
    for (let seq = 0; seq < 3000 && server.sse.stats().budgetCloses === 0; seq++) {
      server.sse.publish('tick', { seq, pad });
      if (seq % 50 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    await waitFor(() => server.sse.stats().budgetCloses > 0, 'the budget closed some');
    // Each stays under its own bound (512 KiB): only the total closed them, and not all of them.
    expect(server.sse.stats().slowCloses).toBe(0);
    await waitFor(() => server.sse.stats().connections < 30, 'the closed ones are gone');
    expect(server.sse.stats().connections).toBeGreaterThan(0);
    for (const s of stalled) s.destroy();
  });
});
