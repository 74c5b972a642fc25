// The one end-to-end suite every adapter and runtime passes (express, Hono on Node, a Next.js route
// handler module, Bun, Deno): typed events with `Date`s, topics, resume with no gap and no duplicate,
// an RPC stream with input, HEAD, OpenAPI, the per-address bound, and 4xx JSON errors with stable
// codes. A target is a factory that starts the fixture server (./fixture.ts) and tells how to publish.
import { createClient } from '@ssekit/client';
import { createParser } from '@ssekit/core';
import { waitFor } from '@ssekit/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contract, MAX_PER_ADDRESS } from './fixture.js';

/** One running fixture server. */
export interface AdapterTarget {
  /** The SSE base URL: `http://127.0.0.1:<port>/sse`. */
  readonly url: string;
  /** Publish on the server (in process, or over the child's control route); returns the id. */
  publish(name: 'price' | 'note', data: unknown, topic?: string): Promise<string>;
  /** Open broadcast connections and RPC streams, as the server counts them. */
  open(): Promise<number>;
  close(): Promise<void>;
}

export type StartTarget = () => Promise<AdapterTarget>;

const at = (day: number) => new Date(Date.UTC(2026, 10, day, 10));

interface RawEvent {
  readonly type: string;
  readonly data: string;
  readonly lastEventId: string;
}

/** Read a stream with fetch and core's parser; `stop()` ends it. */
function readEvents(url: string, headers: Record<string, string> = {}) {
  const events: RawEvent[] = [];
  const controller = new AbortController();
  const done = fetch(url, { headers, signal: controller.signal })
    .then(async (res) => {
      expect(res.status).toBe(200);
      const parser = createParser({ onEvent: (event) => events.push(event) });
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>)
        parser.feed(chunk);
    })
    .catch((error: unknown) => {
      if ((error as { name?: string }).name !== 'AbortError') throw error;
    });
  return {
    events,
    stop: async () => {
      controller.abort();
      await done;
    },
  };
}

async function errorOf(response: Response) {
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  return ((await response.json()) as { error: { code: string; event?: string } }).error;
}

/** Run the suite against one target. */
export function adapterSuite(name: string, start: StartTarget): void {
  describe(name, () => {
    let target: AdapterTarget;
    beforeAll(async () => {
      target = await start();
    }, 60_000);
    afterAll(async () => {
      await target?.close();
    });
    const quiet = () => waitFor(async () => (await target.open()) === 0, 'every stream closed');

    it('delivers typed events: the client decodes the Date', async () => {
      await quiet();
      const client = createClient(contract, { url: target.url });
      const received: { symbol: string; at: Date }[] = [];
      client.subscribe('price', (p) => received.push(p));
      await waitFor(async () => (await target.open()) === 1, 'the client to connect');
      await target.publish('price', { symbol: 'AAPL', price: 191.2, at: at(24).toISOString() });
      await waitFor(() => received.length === 1, 'the event');
      client.close();
      expect(received[0]?.symbol).toBe('AAPL');
      expect(received[0]?.at).toBeInstanceOf(Date);
      expect(received[0]?.at.getTime()).toBe(at(24).getTime());
    });

    it('narrows to a topic', async () => {
      await quiet();
      const client = createClient(contract, { url: target.url });
      const symbols: string[] = [];
      client.subscribe('price', (p) => symbols.push(p.symbol), { topic: 'AAPL' });
      await waitFor(async () => (await target.open()) === 1, 'the client to connect');
      const price = (symbol: string) => ({ symbol, price: 1, at: at(1).toISOString() });
      await target.publish('price', price('MSFT'), 'MSFT');
      await target.publish('price', price('AAPL'), 'AAPL');
      await waitFor(() => symbols.length === 1, 'the AAPL event');
      client.close();
      expect(symbols).toEqual(['AAPL']);
    });

    it('resumes from Last-Event-ID with no gap and no duplicate, then goes live', async () => {
      await quiet();
      const ids: string[] = [];
      for (const text of ['a', 'b', 'c']) ids.push(await target.publish('note', { text }));
      const reader = readEvents(target.url, { 'last-event-id': ids[0]! });
      await waitFor(() => reader.events.length === 2, 'the two missed events');
      await target.publish('note', { text: 'd' });
      await waitFor(() => reader.events.length === 3, 'the live event');
      await reader.stop();
      expect(reader.events.map((e) => JSON.parse(e.data).text)).toEqual(['b', 'c', 'd']);
      expect(reader.events.map((e) => e.lastEventId).slice(0, 2)).toEqual(ids.slice(1));
      expect(new Set(reader.events.map((e) => e.lastEventId)).size).toBe(3);
    });

    it('runs an RPC stream with input: POST through the client, GET with ?input=', async () => {
      await quiet();
      const client = createClient(contract, { url: target.url });
      const got: { n: number; at: Date }[] = [];
      for await (const { data } of client.stream('count', { to: 3 })) got.push(data);
      expect(got.map((d) => d.n)).toEqual([1, 2, 3]);
      expect(got[2]?.at).toBeInstanceOf(Date);
      const input = encodeURIComponent(JSON.stringify({ to: 2 }));
      const res = await fetch(`${target.url}/streams/count?input=${input}`);
      const text = await res.text();
      expect(text).toContain('event: n\ndata: {"n":2,"at":"2026-01-02T00:00:00.000Z"}');
      expect(text).toContain('event: ssekit.end');
    });

    it('answers 4xx with a JSON body and a stable code', async () => {
      const cases: [string, RequestInit, number, string][] = [
        ['?events=nope', {}, 400, 'UNKNOWN_EVENT'],
        ['/events/nope', {}, 400, 'UNKNOWN_EVENT'],
        ['?events=price,', {}, 400, 'BAD_REQUEST'],
        ['/events/%E0%A4%A', {}, 400, 'BAD_REQUEST'],
        ['/streams/nope?input=%7B%7D', {}, 400, 'UNKNOWN_STREAM'],
        ['/streams/count?input=%7B%22to%22%3A%22x%22%7D', {}, 400, 'INVALID_INPUT'],
        ['/streams/count?input=not-json', {}, 400, 'INVALID_INPUT'],
        [
          '/streams/count',
          { method: 'POST', body: '{', headers: { 'content-type': 'application/json' } },
          400,
          'INVALID_INPUT',
        ],
        [
          '/streams/count',
          {
            method: 'POST',
            body: JSON.stringify({ to: 1, pad: 'x'.repeat(70_000) }),
            headers: { 'content-type': 'application/json' },
          },
          413,
          'PAYLOAD_TOO_LARGE',
        ],
        ['', { headers: { 'x-deny': '1' } }, 401, 'UNAUTHORIZED'],
        ['/openapi.json', { headers: { 'x-deny': '1' } }, 401, 'UNAUTHORIZED'],
      ];
      for (const [path, init, status, code] of cases) {
        const res = await fetch(`${target.url}${path}`, init);
        expect(res.status, path).toBe(status);
        expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
        expect((await errorOf(res)).code, path).toBe(code);
      }
      const unknown = await errorOf(await fetch(`${target.url}?events=nope`));
      expect(unknown).toEqual({
        code: 'UNKNOWN_EVENT',
        message: 'Unknown event "nope"',
        event: 'nope',
      });
    });

    it('answers HEAD with the stream headers and no body, and serves openapi.json', async () => {
      for (const path of ['', '/events/price', '/streams/count']) {
        const res = await fetch(`${target.url}${path}`, { method: 'HEAD' });
        expect(res.status, path).toBe(200);
        expect(res.headers.get('content-type'), path).toBe('text/event-stream; charset=utf-8');
        expect(res.headers.get('cache-control'), path).toBe('no-cache, no-transform');
        expect(await res.text()).toBe('');
      }
      const doc = (await (await fetch(`${target.url}/openapi.json`)).json()) as {
        openapi: string;
        paths: Record<string, unknown>;
      };
      expect(doc.openapi).toMatch(/^3\.2/);
      expect(Object.keys(doc.paths)).toContain('/sse/events/price');
    });

    it(`bounds one address to ${MAX_PER_ADDRESS} streams: the next gets 503 with Retry-After`, async () => {
      await quiet();
      const readers = Array.from({ length: MAX_PER_ADDRESS }, () => readEvents(target.url));
      await waitFor(async () => (await target.open()) === MAX_PER_ADDRESS, 'every slot taken');
      const extra = await fetch(target.url);
      expect(extra.status).toBe(503);
      expect(extra.headers.get('retry-after')).not.toBeNull();
      expect((await errorOf(extra)).code).toBe('TOO_MANY_CONNECTIONS');
      await Promise.all(readers.map((r) => r.stop()));
      await quiet();
    });
  });
}
