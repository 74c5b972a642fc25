import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ClientStatus, createClient } from '@ssekit/client';
import { defineContract, isoDate, type SseError } from '@ssekit/core';
import { nextTurn, quietPeriod } from '@ssekit/test-kit';
import { EventSource } from 'eventsource';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startTestServer, trackSockets, waitFor } from '../../server/test/utils.js';

const contract = defineContract({
  events: {
    price: z.object({ symbol: z.string(), price: z.number(), at: isoDate() }),
    trade: z.object({ id: z.string(), seq: z.int() }),
  },
});

const at = new Date('2026-11-24T10:00:00.000Z');

describe('createClient: broadcast subscriptions', () => {
  it('200 clients × 1000 events: every subscribed event, in order, exactly once; topic filters hold', async () => {
    await using server = await startTestServer(contract, {});
    const clients = Array.from({ length: 200 }, () =>
      createClient(contract, { url: server.url, EventSource }),
    );
    const received: { prices: string[]; trades: number[] }[] = clients.map(() => ({
      prices: [],
      trades: [],
    }));
    clients.forEach((client, i) => {
      const r = received[i]!;
      if (i % 4 === 0) client.subscribe('price', (p) => r.prices.push(`${p.symbol}:${p.price}`));
      if (i % 4 === 1)
        client.subscribe('price', (p) => r.prices.push(`${p.symbol}:${p.price}`), {
          topic: 'AAPL',
        });
      if (i % 4 === 2) client.subscribe('trade', (t) => r.trades.push(t.seq));
      if (i % 4 === 3) {
        client.subscribe('price', (p) => r.prices.push(`${p.symbol}:${p.price}`), {
          topic: ['MSFT'],
        });
        client.subscribe('trade', (t) => r.trades.push(t.seq));
      }
    });
    await waitFor(() => clients.every((c) => c.status === 'open'), {
      message: 'all open',
      timeoutMs: 15_000,
    });

    const expected = {
      all: [] as string[],
      aapl: [] as string[],
      msft: [] as string[],
      trades: [] as number[],
    };
    for (let i = 0; i < 1000; i++) {
      if (i % 2 === 0) {
        const symbol = i % 4 === 0 ? 'AAPL' : 'MSFT';
        server.sse.publish('price', { symbol, price: i, at }, { topic: symbol });
        expected.all.push(`${symbol}:${i}`);
        (symbol === 'AAPL' ? expected.aapl : expected.msft).push(`${symbol}:${i}`);
      } else {
        server.sse.publish('trade', { id: `t${i}`, seq: i });
        expected.trades.push(i);
      }
      if (i % 100 === 99) await nextTurn(1);
    }
    await waitFor(
      () =>
        received.every(
          (r, i) =>
            r.prices.length + r.trades.length >=
            (i % 4 === 0 ? 500 : i % 4 === 1 ? 250 : i % 4 === 2 ? 500 : 750),
        ),
      { message: 'all delivered', timeoutMs: 20_000 },
    );
    await quietPeriod(50);
    received.forEach((r, i) => {
      switch (i % 4) {
        case 0:
          expect(r.prices).toEqual(expected.all);
          expect(r.trades).toEqual([]);
          break;
        case 1:
          expect(r.prices).toEqual(expected.aapl);
          break;
        case 2:
          expect(r.trades).toEqual(expected.trades);
          expect(r.prices).toEqual([]);
          break;
        case 3:
          expect(r.prices).toEqual(expected.msft);
          expect(r.trades).toEqual(expected.trades);
          break;
      }
    });
    for (const client of clients) client.close();
    await waitFor(() => server.sse.stats().connections === 0, 'all closed');
  });

  it('opens lazily, merges changes of one tick, closes with the last subscriber', async () => {
    let connects = 0;
    await using server = await startTestServer(contract, {}, (app) =>
      app.use((_req, _res, next) => {
        connects += 1;
        next();
      }),
    );
    const statuses: ClientStatus[] = [];
    const client = createClient(contract, {
      url: server.url,
      EventSource,
      onStatus: (s) => statuses.push(s),
    });
    await quietPeriod(50);
    expect(connects).toBe(0);
    expect(client.status).toBe('idle');
    const offs = [
      client.subscribe('price', () => {}),
      client.subscribe('trade', () => {}),
      client.subscribe('price', () => {}),
    ];
    await waitFor(() => client.status === 'open', 'open');
    await quietPeriod(50);
    expect(connects).toBe(1);
    for (const off of offs) off();
    await waitFor(() => server.sse.stats().connections === 0, 'closed with the last subscriber');
    expect(client.status).toBe('idle');
    expect(statuses).toEqual(['connecting', 'open', 'idle']);
  });

  it('reconnects with the last id when the subscription set changes: no gap, no duplicate', async () => {
    await using server = await startTestServer(contract, {});
    for (const transport of ['eventsource', 'fetch'] as const) {
      const client = createClient(contract, {
        url: server.url,
        ...(transport === 'eventsource'
          ? { EventSource }
          : { fetch: (u, i) => fetch(u, i as RequestInit) as never }),
      });
      const trades: number[] = [];
      client.subscribe('trade', (t) => trades.push(t.seq));
      await waitFor(() => client.status === 'open', 'open');
      let seq = 0;
      const publishing = (async () => {
        for (let i = 0; i < 300; i++) {
          server.sse.publish('trade', { id: 'x', seq: seq++ });
          await nextTurn(i % 10 === 0 ? 2 : 0);
        }
      })();
      await nextTurn(30);
      const offPrice = client.subscribe('price', () => {});
      await nextTurn(30);
      offPrice();
      await nextTurn(20);
      client.subscribe('price', () => {}, { topic: 'AAPL' });
      await publishing;
      await waitFor(() => trades.length >= 300, {
        message: `all trades over ${transport}`,
        timeoutMs: 10_000,
      });
      await quietPeriod(50);
      expect(trades, transport).toEqual(Array.from({ length: 300 }, (_, i) => i));
      client.close();
    }
  });

  it('resumes after its socket is destroyed mid-stream, and gets ssekit.reset once for an id older than the log', async () => {
    await using server = await startTestServer(contract, { retryMs: 20, broker: undefined });
    const sockets = trackSockets(server.http);
    const resets: string[] = [];
    const client = createClient(contract, {
      url: server.url,
      EventSource,
      onReset: (r) => resets.push(r.reason),
    });
    const seen: number[] = [];
    client.subscribe('trade', (t) => seen.push(t.seq));
    await waitFor(() => client.status === 'open', 'open');
    for (let i = 0; i < 500; i++) {
      server.sse.publish('trade', { id: 'x', seq: i });
      if (i === 200) for (const socket of sockets) socket.destroy();
      if (i % 50 === 0) await nextTurn(2);
    }
    await waitFor(() => seen.length >= 500, { message: 'all after the cut', timeoutMs: 10_000 });
    expect(seen).toEqual(Array.from({ length: 500 }, (_, i) => i));
    expect(resets).toEqual([]);
    client.close();

    const stale = createClient(contract, {
      url: server.url,
      EventSource,
      lastEventId: 'oldepoch-5',
      onReset: (r) => resets.push(r.reason),
    });
    const after: number[] = [];
    stale.subscribe('trade', (t) => after.push(t.seq));
    await waitFor(() => resets.length === 1, 'reset');
    for (const socket of sockets) socket.destroy();
    await nextTurn(100);
    server.sse.publish('trade', { id: 'x', seq: 1000 });
    await waitFor(() => after.length === 1, 'live after reset');
    expect(resets).toEqual(['unknown-epoch']);
    expect(after).toEqual([1000]);
    stale.close();
  });

  it('sends invalid payloads to onError and keeps the connection up', async () => {
    const server = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('event: trade\ndata: {"id":"a","seq":1}\n\n');
      res.write('event: trade\ndata: {not json\n\n');
      res.write('event: trade\ndata: {"id":"b","seq":"two"}\n\n');
      res.write('event: price\ndata: {"symbol":"A","price":1,"at":"not a date"}\n\n');
      res.write('event: trade\ndata: {"id":"c","seq":3}\n\n');
    });
    server.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/sse`;
    const errors: SseError[] = [];
    const client = createClient(contract, { url, EventSource, onError: (e) => errors.push(e) });
    const seqs: number[] = [];
    client.subscribe('trade', (t) => seqs.push(t.seq));
    client.subscribe('price', () => seqs.push(-1));
    await waitFor(() => seqs.length === 2, 'valid events');
    expect(seqs).toEqual([1, 3]);
    expect(errors.map((e) => e.code)).toEqual([
      'INVALID_JSON',
      'VALIDATION_FAILED',
      'VALIDATION_FAILED',
    ]);
    expect(errors[1]!.issues?.[0]?.path).toEqual(['seq']);
    expect(errors[2]!.event).toBe('price');
    expect(client.status).toBe('open');
    client.close();
    server.closeAllConnections();
    server.close();
  });

  it('delivers decoded values (Date for isoDate) through events() as an async iterable', async () => {
    await using server = await startTestServer(contract, {});
    const client = createClient(contract, { url: server.url, EventSource });
    const iterator = client.events('price');
    await waitFor(() => client.status === 'open', 'open');
    server.sse.publish('price', { symbol: 'AAPL', price: 1, at });
    server.sse.publish('price', { symbol: 'AAPL', price: 2, at });
    const got = [];
    for await (const p of iterator) {
      got.push(p);
      if (got.length === 2) break;
    }
    expect(got[0]!.at).toBeInstanceOf(Date);
    expect(got[0]!.at.getTime()).toBe(at.getTime());
    expect(got.map((p) => p.price)).toEqual([1, 2]);
    await waitFor(() => server.sse.stats().connections === 0, 'leaving the loop unsubscribes');
    client.close();
  });
});

describe('createClient: topic routing', () => {
  it('routes one event to subscriptions that want different topics, over one connection', async () => {
    await using server = await startTestServer(contract, {});
    for (const options of [{ EventSource }, {}]) {
      const client = createClient(contract, { url: server.url, ...options });
      const aapl: string[] = [];
      const msft: string[] = [];
      const all: string[] = [];
      client.subscribe('price', (p) => aapl.push(p.symbol), { topic: 'AAPL' });
      client.subscribe('price', (p) => msft.push(p.symbol), { topic: ['MSFT'] });
      client.subscribe('price', (p) => all.push(p.symbol));
      await waitFor(() => client.status === 'open', 'open');
      for (const symbol of ['AAPL', 'MSFT', 'IBM', 'AAPL'])
        server.sse.publish('price', { symbol, price: 1, at }, { topic: symbol });
      server.sse.publish('price', { symbol: 'none', price: 1, at });
      await waitFor(() => all.length === 5, 'all prices');
      expect(aapl).toEqual(['AAPL', 'AAPL']);
      expect(msft).toEqual(['MSFT']);
      expect(all).toEqual(['AAPL', 'MSFT', 'IBM', 'AAPL', 'none']);
      expect(server.sse.stats().connections).toBe(1);
      client.close();
      await waitFor(() => server.sse.stats().connections === 0, 'closed');
    }
  });
});
