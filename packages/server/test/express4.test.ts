// The router on express 4 (the peer range says ^4.21 || ^5): the core cases of the server suite,
// with every import of `express` (the server's router and the test app) resolved to express 4.
import { createClient } from '@ssekit/client';
import { defineContract, isoDate, SseError } from '@ssekit/core';
import { EventSource } from 'eventsource';
import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { readRaw, startTestServer, waitFor } from './utils.js';

const loaded = vi.hoisted(() => ({ version: '' }));
vi.mock('express', async () => {
  // express 4 ships no types; the test app and the router are typed against express 5's.
  // @ts-expect-error TS7016: no declaration file for the aliased package
  const express4: unknown = await import('express4');
  const pkg = await import('express4/package.json', { with: { type: 'json' } });
  loaded.version = (pkg.default as { version: string }).version;
  return express4 as object;
});

const contract = defineContract({
  events: {
    price: z.object({ symbol: z.string(), price: z.number(), at: isoDate() }),
  },
  streams: {
    count: { input: z.object({ to: z.int() }), events: { n: z.object({ n: z.int() }) } },
  },
});
const at = new Date('2026-11-24T10:00:00.000Z');
const streams = {
  count: async function* ({ input }: { input: { to: number } }) {
    for (let n = 1; n <= input.to; n++) yield { event: 'n' as const, data: { n } };
  },
};

describe('the router on express 4', () => {
  it('runs on express 4', async () => {
    await using _server = await startTestServer(contract, { streams });
    expect(loaded.version).toMatch(/^4\./);
  });

  it('streams a published event as standard SSE', async () => {
    await using server = await startTestServer(contract, { streams });
    const reading = readRaw(server.url, { until: (t) => t.includes('event: price') });
    await waitFor(() => server.sse.stats().connections === 1, 'the reader to connect');
    server.sse.publish('price', { symbol: 'AAPL', price: 1.5, at });
    const { status, headers, text } = await reading;
    expect(status).toBe(200);
    expect(headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(text).toContain('event: price\ndata: {"symbol":"AAPL","price":1.5');
  });

  it('answers an unknown event with 400 JSON naming it, and authorize with 401', async () => {
    await using server = await startTestServer(contract, {
      streams,
      authorize: (req) => {
        if (req.headers.authorization !== 'Bearer ok')
          throw new SseError('UNAUTHORIZED', 'A bearer token is required');
        return true;
      },
    });
    const unknown = await fetch(`${server.url}?events=nope`, {
      headers: { authorization: 'Bearer ok' },
    });
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toEqual({
      error: { code: 'UNKNOWN_EVENT', message: 'Unknown event "nope"', event: 'nope' },
    });
    const anonymous = await fetch(server.url);
    expect(anonymous.status).toBe(401);
    expect(((await anonymous.json()) as { error: { code: string } }).error.code).toBe(
      'UNAUTHORIZED',
    );
  });

  it('resumes with Last-Event-ID and serves an RPC stream over POST', async () => {
    await using server = await startTestServer(contract, { streams });
    const first = server.sse.publish('price', { symbol: 'A', price: 1, at });
    server.sse.publish('price', { symbol: 'B', price: 2, at });
    const source = new EventSource(server.url, {
      fetch: (url, init) =>
        fetch(url, { ...init, headers: { ...init?.headers, 'last-event-id': first } }),
    });
    const symbols: string[] = [];
    source.addEventListener('price', (e) => symbols.push(JSON.parse(e.data).symbol));
    await waitFor(() => symbols.length === 1, 'the replayed event');
    source.close();
    expect(symbols).toEqual(['B']);

    const client = createClient(contract, { url: server.url });
    const ns: number[] = [];
    for await (const { data } of client.stream('count', { to: 3 })) ns.push(data.n);
    expect(ns).toEqual([1, 2, 3]);
  });
});
