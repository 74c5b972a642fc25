import { once } from 'node:events';
import http from 'node:http';
import net from 'node:net';
import v8 from 'node:v8';
import vm from 'node:vm';
import { createClient } from '@ssekit/client';
import { defineContract } from '@ssekit/core';
import { nextTurn, quietPeriod } from '@ssekit/test-kit';
import { EventSource } from 'eventsource';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { readRaw, startTestServer, trackSockets, waitFor } from './utils.js';

const contract = defineContract({
  events: {
    tick: z.object({ seq: z.int() }),
    note: z.object({ text: z.string() }),
  },
});

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

function heap(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

function rawConnect(port: number, path: string): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.on('error', reject);
    socket.write(`GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`);
    socket.once('data', () => resolve(socket));
  });
}

describe('faults', () => {
  it('10 000 connect/disconnect cycles: heap, listeners, timers and connections back to baseline', async () => {
    await using server = await startTestServer(contract, {});
    const port = (server.http.address() as net.AddressInfo).port;
    // Warm up, so that lazily created state is in the baseline.
    for (const s of await Promise.all(Array.from({ length: 100 }, () => rawConnect(port, '/sse'))))
      s.destroy();
    await waitFor(() => server.sse.stats().connections === 0, 'warm-up closed');
    await nextTurn(50);
    const baseline = {
      heap: heap(),
      resources: process.getActiveResourcesInfo().length,
      listeners: server.http.listenerCount('connection'),
    };
    for (let batch = 0; batch < 100; batch++) {
      const sockets = await Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          rawConnect(port, i % 2 ? '/sse?events=tick' : '/sse/events/note?topic=a'),
        ),
      );
      server.sse.publish('tick', { seq: batch });
      for (const s of sockets) s.destroy();
    }
    await waitFor(() => server.sse.stats().connections === 0, {
      message: 'all closed',
      timeoutMs: 10_000,
    });
    await nextTurn(100);
    const after = {
      heap: heap(),
      resources: process.getActiveResourcesInfo().length,
      listeners: server.http.listenerCount('connection'),
    };
    console.log(
      `[figures] 10 000 connect/disconnect cycles: heap ${((after.heap - baseline.heap) / 1024).toFixed(0)} KiB over baseline, ` +
        `active resources ${baseline.resources} → ${after.resources}, connection listeners ${baseline.listeners} → ${after.listeners}`,
    );
    expect(after.listeners).toBe(baseline.listeners);
    expect(after.resources).toBeLessThanOrEqual(baseline.resources + 2);
    // 10 000 connections held at once would take ~50 MB; what stays is noise plus the replay log.
    expect(after.heap - baseline.heap).toBeLessThan(4 * 1024 * 1024);
  }, 60_000);

  it('server restart with the in-memory broker: every client gets ssekit.reset exactly once and continues', async () => {
    const first = await startTestServer(contract, { retryMs: 50 });
    const port = Number(new URL(first.origin).port);
    const clients = Array.from({ length: 50 }, () => {
      const state = { resets: 0, seqs: [] as number[] };
      const client = createClient(contract, {
        url: first.url,
        EventSource,
        onReset: () => state.resets++,
      });
      client.subscribe('tick', (t) => state.seqs.push(t.seq));
      return { client, state };
    });
    await waitFor(() => clients.every((c) => c.client.status === 'open'), 'all open');
    for (let i = 0; i < 10; i++) first.sse.publish('tick', { seq: i });
    await waitFor(() => clients.every((c) => c.state.seqs.length === 10), 'before restart');
    await first.close();
    await waitFor(
      () => clients.every((c) => c.client.status !== 'open'),
      'every client to see the server gone',
    );
    await using second = await startTestServer(contract, { retryMs: 50 }, undefined, port);
    await waitFor(() => clients.every((c) => c.state.resets === 1 && c.client.status === 'open'), {
      message: 'reset once',
      timeoutMs: 10_000,
    });
    for (let i = 10; i < 20; i++) second.sse.publish('tick', { seq: i });
    await waitFor(() => clients.every((c) => c.state.seqs.length === 20), {
      message: 'after restart',
      timeoutMs: 10_000,
    });
    // A second drop of the connection resumes normally, with no further reset.
    for (const socket of trackSockets(second.http)) socket.destroy();
    await quietPeriod(300);
    for (const c of clients) {
      expect(c.state.resets).toBe(1);
      expect(c.state.seqs).toEqual(Array.from({ length: 20 }, (_, i) => i));
      c.client.close();
    }
  });

  it('closes a peer that resets its connection, and one that stops reading, with memory bounded', async () => {
    await using server = await startTestServer(contract, {
      heartbeatMs: 50,
      maxBufferedBytes: 64 * 1024,
    });
    const port = (server.http.address() as net.AddressInfo).port;
    const reset = await rawConnect(port, '/sse');
    reset.resetAndDestroy();
    await waitFor(() => server.sse.stats().connections === 0, {
      message: 'reset peer removed',
      timeoutMs: 2000,
    });

    const stalled = await rawConnect(port, '/sse');
    stalled.pause();
    const text = 'y'.repeat(4000);
    for (let round = 0; round < 2000 && server.sse.stats().slowCloses === 0; round++) {
      for (let i = 0; i < 10; i++) server.sse.publish('note', { text });
      await nextTurn(1);
    }
    await waitFor(() => server.sse.stats().slowCloses === 1, 'stalled peer closed');
    expect(server.sse.stats().connections).toBe(0);
    console.log(
      `[figures] stalled reader closed after ${server.sse.stats().published} events of 4 KB (bound 64 KiB)`,
    );
    stalled.destroy();
  });

  it('publish bursts while clients reconnect: no gap, no duplicate', async () => {
    await using server = await startTestServer(contract, { retryMs: 10 });
    const sockets = trackSockets(server.http);
    const clients = Array.from({ length: 40 }, (_, i) => {
      const seqs: number[] = [];
      const client = createClient(contract, { url: server.url, ...(i % 2 ? { EventSource } : {}) });
      client.subscribe('tick', (t) => seqs.push(t.seq));
      return { client, seqs };
    });
    await waitFor(() => clients.every((c) => c.client.status === 'open'), 'all open');
    const total = 3000;
    for (let i = 0; i < total; i++) {
      server.sse.publish('tick', { seq: i });
      if (i % 100 === 0) await nextTurn(1);
      if (i % 500 === 250) {
        // Cut a third of the connections in the middle of a burst.
        let n = 0;
        for (const socket of sockets) if (n++ % 3 === 0) socket.destroy();
      }
    }
    await waitFor(() => clients.every((c) => c.seqs.length >= total), {
      message: 'all delivered',
      timeoutMs: 20_000,
    });
    await quietPeriod(50);
    const expected = Array.from({ length: total }, (_, i) => i);
    for (const c of clients) {
      expect(c.seqs).toEqual(expected);
      c.client.close();
    }
  });
});

describe('bad input', () => {
  it('random query strings and Last-Event-ID values get 200 or a 4xx JSON error, never a 5xx, and others notice nothing', async () => {
    await using server = await startTestServer(contract, {});
    const witness = createClient(contract, { url: server.url, EventSource });
    const seen: number[] = [];
    witness.subscribe('tick', (t) => seen.push(t.seq));
    await waitFor(() => witness.status === 'open', 'witness open');
    const port = (server.http.address() as net.AddressInfo).port;
    const piece = fc.oneof(
      fc.constantFrom(
        'events=',
        'events=tick',
        'events=note,tick',
        'topic=',
        'topic=tick:',
        'topic=:a',
        'topic=tick:a',
        'lastEventId=',
        '&',
        '=',
        '%',
        '%00',
        '%0d%0a',
        '%2F..%2F',
        '__proto__',
        'constructor',
        'TICK',
        'events=tick&events=note',
      ),
      fc.string({ maxLength: 20 }).map(encodeURIComponent),
    );
    let tried = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(piece, { maxLength: 6 }),
        fc.option(fc.string({ maxLength: 80 })),
        async (pieces, lastId) => {
          tried++;
          const headers: Record<string, string> = {};
          if (lastId !== null && /^[\x20-\x7e]*$/.test(lastId)) headers['last-event-id'] = lastId;
          const path = `/sse?${pieces.join('&')}`;
          const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
            const req = http.get({ host: '127.0.0.1', port, path, headers }, resolve);
            req.on('error', reject);
          });
          const status = res.statusCode ?? 0;
          if (status === 200) {
            expect(res.headers['content-type']).toBe('text/event-stream; charset=utf-8');
          } else {
            expect(status).toBeGreaterThanOrEqual(400);
            expect(status).toBeLessThan(500);
            let body = '';
            for await (const chunk of res) body += chunk;
            expect(JSON.parse(body).error.code).toMatch(/^[A-Z_]+$/);
          }
          res.destroy();
        },
      ),
      { numRuns: 300 },
    );
    server.sse.publish('tick', { seq: 1 });
    await waitFor(() => seen.length === 1, 'witness still served');
    expect(tried).toBe(300);
    console.log(`[figures] ${tried} fuzzed queries: no 5xx, the witness client saw every event`);
    await waitFor(() => server.sse.stats().connections === 1, 'no leftover connections');
    witness.close();
  });

  it('per-event route and topic predicates cannot be bypassed by encoding, case, repetition or path tricks', async () => {
    await using server = await startTestServer(contract, {
      authorize: (_req, request) =>
        request.type === 'events'
          ? (event, topic) => event === 'note' && topic === 'public'
          : false,
    });
    const port = (server.http.address() as net.AddressInfo).port;
    const paths = [
      '/sse',
      '/sse?events=tick',
      '/sse/events/tick',
      '/sse/events/%74ick',
      '/sse/EVENTS/tick',
      '/sse/events/note?topic=secret',
      '/sse?events=note&topic=note:public&topic=note:secret',
      '/sse/events/note/../tick',
      '/sse/events/note%2F..%2Ftick',
      '/sse//events/tick',
      '/sse/events/tick?events=note',
    ];
    const readers = paths.map((path) =>
      readRaw(`http://127.0.0.1:${port}${path}`, {
        until: (t) => t.includes('"end"'),
        timeoutMs: 1500,
      }),
    );
    await nextTurn(200);
    server.sse.publish('tick', { seq: 666 });
    server.sse.publish('note', { text: 'secret' }, { topic: 'secret' });
    server.sse.publish('note', { text: 'end' }, { topic: 'public' });
    for (const [i, result] of (await Promise.all(readers)).entries()) {
      expect(result.text, paths[i]).not.toContain('666');
      expect(result.text, paths[i]).not.toContain('"secret"');
    }
  });
});

describe('a hostile server', () => {
  it('cannot crash a client or grow its memory with garbage and endless lines', async () => {
    const server = http.createServer(async (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const garbage = Buffer.alloc(64 * 1024);
      for (let i = 0; i < garbage.length; i++) garbage[i] = (i * 7919) % 251;
      for (let i = 0; i < 50 && !res.destroyed; i++) {
        res.write(garbage);
        await new Promise((r) => setImmediate(r));
      }
      // Then one endless line: 16 MB without a line break.
      res.write('\n\ndata: ');
      const line = 'z'.repeat(256 * 1024);
      for (let i = 0; i < 64 && !res.destroyed; i++) {
        res.write(line);
        await new Promise((r) => setImmediate(r));
      }
      res.write('\n\nevent: tick\ndata: {"seq":7}\n\n');
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const url = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/sse`;
    const errors: string[] = [];
    const before = heap();
    const client = createClient(contract, {
      url,
      fetch: (u, i) => fetch(u, i as RequestInit) as never,
      onError: (e) => errors.push(e.code),
    });
    const seqs: number[] = [];
    client.subscribe('tick', (t) => seqs.push(t.seq));
    await waitFor(() => seqs.length === 1, {
      message: 'the valid event after the garbage',
      timeoutMs: 20_000,
    });
    expect(seqs).toEqual([7]);
    expect(errors).toContain('EVENT_TOO_LARGE');
    // ~20 MB were sent; the client kept at most its bound (1 Mi characters) plus noise.
    const grown = heap() - before;
    console.log(
      `[figures] hostile server: 3 MiB of garbage and a 16 MiB line; client heap grew ${(grown / 1024 / 1024).toFixed(1)} MiB`,
    );
    expect(grown).toBeLessThan(16 * 1024 * 1024);
    client.close();
    server.closeAllConnections();
    server.close();
  });
});
