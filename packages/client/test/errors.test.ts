// Errors that speak (issue 17), in Node over both transports: an unreachable server, refused answers,
// a stream that cannot open, one subscription the server refuses, a storm of resets.
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ClientStatus, createClient, SseConnectionError } from '@ssekit/client';
import { defineContract, encodeEvent, isoDate, type SseError } from '@ssekit/core';
import { EventSource } from 'eventsource';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startTestServer, waitFor } from '../../server/test/utils.js';

const price = z.object({ symbol: z.string(), price: z.number(), at: isoDate() });
const serverContract = defineContract({
  events: { price, trade: z.object({ id: z.string() }) },
  streams: {
    count: { input: z.object({ to: z.int() }), events: { n: z.object({ n: z.int() }) } },
  },
});
/** A client built from a newer contract: `news` is not known to the server yet. */
const newerContract = defineContract({
  events: { ...serverContract.events, news: z.object({ title: z.string() }) },
  streams: serverContract.streams,
});
const at = new Date('2026-11-24T10:00:00.000Z');

type Transport = 'eventsource' | 'fetch';
const transports: Transport[] = ['eventsource', 'fetch'];
/** `eventsource`: the npm EventSource, as a browser's native one. `fetch`: FetchEventSource via headers. */
const transportOptions = (transport: Transport) =>
  transport === 'eventsource' ? { EventSource } : { headers: { 'x-test': '1' } };

/** A raw HTTP server on loopback whose handler the test writes. */
async function rawServer(handler: http.RequestListener) {
  const server = http.createServer(handler);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    [Symbol.asyncDispose]: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A port where nothing listens: bound once, then closed. */
async function deadUrl(): Promise<string> {
  await using server = await rawServer(() => {});
  return `${server.origin}/sse`;
}

function recorder() {
  const errors: SseError[] = [];
  const statuses: ClientStatus[] = [];
  return {
    errors,
    statuses,
    onError: (e: SseError) => errors.push(e),
    onStatus: (s: ClientStatus) => statuses.push(s),
  };
}

describe.each(transports)('errors that speak, over %s', (transport) => {
  it('an unreachable server reaches onError with NETWORK_ERROR and the attempt count, while retries go on', async () => {
    const r = recorder();
    const client = createClient(serverContract, {
      url: await deadUrl(),
      ...transportOptions(transport),
      onError: r.onError,
      onStatus: r.onStatus,
    });
    client.subscribe('price', () => {});
    await waitFor(() => r.errors.length >= 2, 'two failed attempts reported', 20_000);
    client.close();
    const [first, second] = r.errors as [SseError, SseError];
    expect(first).toBeInstanceOf(SseConnectionError);
    expect(first.code).toBe('NETWORK_ERROR');
    expect((first as SseConnectionError).attempt).toBe(1);
    expect((second as SseConnectionError).attempt).toBe(2);
    expect(first.message).toMatch(/attempt 1, retrying/);
    expect(r.statuses.slice(0, 2)).toEqual(['connecting', 'reconnecting']);
  });

  it.each([
    [404, 'HTTP_ERROR'],
    [401, 'UNAUTHORIZED'],
  ])('a refused answer (%i) ends with its code and status closed', async (status, code) => {
    await using server = await rawServer((_req, res) => {
      if (status === 404) res.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found');
      else
        res
          .writeHead(status, { 'content-type': 'application/json' })
          .end(JSON.stringify({ error: { code, message: 'A valid bearer token is required' } }));
    });
    const r = recorder();
    const client = createClient(serverContract, {
      url: `${server.origin}/typo`,
      ...transportOptions(transport),
      onError: r.onError,
      onStatus: r.onStatus,
    });
    client.subscribe('price', () => {});
    await waitFor(() => client.status === 'closed', 'the client to close', 10_000);
    expect(r.errors.map((e) => [e.code, e.status])).toEqual([[code, status]]);
    expect(r.statuses.at(-1)).toBe('closed');
  });

  it('a 500 with a JSON body is retried with backoff, reported each time', async () => {
    let requests = 0;
    await using server = await rawServer((_req, res) => {
      requests++;
      res
        .writeHead(500, { 'content-type': 'application/json' })
        .end(JSON.stringify({ error: { code: 'INTERNAL', message: 'Internal error' } }));
    });
    const r = recorder();
    const client = createClient(serverContract, {
      url: `${server.origin}/sse`,
      ...transportOptions(transport),
      onError: r.onError,
      onStatus: r.onStatus,
    });
    client.subscribe('price', () => {});
    await waitFor(() => r.errors.length >= 2, 'two refused attempts', 15_000);
    client.close();
    expect(requests).toBeGreaterThanOrEqual(2);
    expect(r.errors[0]).toBeInstanceOf(SseConnectionError);
    expect(r.errors[0]?.status).toBe(500);
    expect(r.statuses).toContain('reconnecting');
    expect(r.statuses).not.toContain('open');
  });

  it('one subscription the server refuses (UNKNOWN_EVENT) is dropped with its own error; the others go on', async () => {
    await using server = await startTestServer(serverContract, {
      streams: {
        count: async function* ({ input }) {
          for (let n = 1; n <= input.to; n++) yield { event: 'n', data: { n } };
        },
      },
    });
    const r = recorder();
    const client = createClient(newerContract, {
      url: server.url,
      ...transportOptions(transport),
      onError: r.onError,
      onStatus: r.onStatus,
    });
    const prices: number[] = [];
    const trades: string[] = [];
    const news: string[] = [];
    client.subscribe('price', (p) => prices.push(p.price));
    client.subscribe('news', (n) => news.push(n.title));
    client.subscribe('trade', (t) => trades.push(t.id));
    await waitFor(() => client.status === 'open', 'the others to connect', 10_000);
    server.sse.publish('price', { symbol: 'AAPL', price: 1, at });
    server.sse.publish('trade', { id: 't1' });
    await waitFor(() => prices.length === 1 && trades.length === 1, 'price and trade', 10_000);
    client.close();
    expect(r.errors.map((e) => [e.code, e.event, e.status])).toEqual([
      ['UNKNOWN_EVENT', 'news', 400],
    ]);
    expect(news).toEqual([]);
  });

  it('5 000 ssekit.reset events in a row fire onReset once, before the event after them', async () => {
    await using server = await rawServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      let body = ': connected\n\n';
      for (let i = 0; i < 5_000; i++) {
        body += encodeEvent({ event: 'ssekit.reset', data: JSON.stringify({ reason: `r${i}` }) });
      }
      body += encodeEvent({
        id: 'e-1',
        event: 'price',
        data: JSON.stringify({ symbol: 'A', price: 1, at: at.toISOString() }),
      });
      res.write(body);
    });
    const resets: string[] = [];
    const prices: number[] = [];
    const order: string[] = [];
    const client = createClient(serverContract, {
      url: `${server.origin}/sse`,
      ...transportOptions(transport),
      onReset: (info) => resets.push(info.reason),
    });
    client.subscribe('price', (p) => {
      prices.push(p.price);
      order.push(`price after ${resets.length} reset(s)`);
    });
    await waitFor(() => prices.length === 1, 'the event after the burst', 10_000);
    // Another turn of the event loop: nothing more arrives from the burst.
    await new Promise((resolve) => setTimeout(resolve, 20));
    client.close();
    expect(resets).toEqual(['r0']);
    expect(order).toEqual(['price after 1 reset(s)']);
  });

  it('stream().done rejects with NETWORK_ERROR within connectTimeoutMs when the server is unreachable', async () => {
    const r = recorder();
    const client = createClient(serverContract, {
      url: await deadUrl(),
      ...transportOptions(transport),
    });
    const started = Date.now();
    const stream = client.stream(
      'count',
      { to: 3 },
      { connectTimeoutMs: 1_500, onError: r.onError },
    );
    await expect(stream.done).rejects.toMatchObject({
      code: 'NETWORK_ERROR',
      message: expect.stringMatching(/did not open within 1500 ms/),
    });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(stream.status).toBe('closed');
    expect(r.errors.at(-1)?.code).toBe('NETWORK_ERROR');
  });
});
