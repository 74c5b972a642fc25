import net from 'node:net';
import { defineContract, isoDate, SseError, SseValidationError } from '@ssekit/core';
import { nextTurn, quietPeriod } from '@ssekit/test-kit';
import { EventSource } from 'eventsource';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { readRaw, startTestServer, trackSockets, waitFor } from './utils.js';

const contract = defineContract({
  events: {
    price: z.object({ symbol: z.string(), price: z.number(), at: isoDate() }),
    trade: z.object({ id: z.string(), qty: z.int() }),
  },
});

const price = (symbol: string, p: number) => ({
  symbol,
  price: p,
  at: new Date(1_700_000_000_000),
});

async function getJson(url: string, headers: Record<string, string> = {}) {
  const res = await fetch(url, { headers });
  const body = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    body: JSON.parse(body) as { error: { code: string; message: string } },
  };
}

describe('requests refused before the stream', () => {
  it('answers unknown events and malformed queries with 400 JSON and a stable code', async () => {
    await using server = await startTestServer(contract, {});
    const cases: [string, string][] = [
      ['?events=nope', 'UNKNOWN_EVENT'],
      ['?events=price,', 'BAD_REQUEST'],
      ['?events=price&events=trade', 'BAD_REQUEST'],
      ['?topic=AAPL', 'BAD_REQUEST'],
      ['?events=trade&topic=price:AAPL', 'BAD_REQUEST'],
      ['?topic=nope:AAPL', 'UNKNOWN_EVENT'],
      [`?topic=price:${'x'.repeat(300)}`, 'BAD_REQUEST'],
      ['/events/nope', 'UNKNOWN_EVENT'],
      ['/events/constructor', 'UNKNOWN_EVENT'],
      ['/events/__proto__', 'UNKNOWN_EVENT'],
      ['/events/PRICE', 'UNKNOWN_EVENT'],
      ['/events/..%2Fstreams%2Fx', 'UNKNOWN_EVENT'],
      ['/events/price?events=trade', 'BAD_REQUEST'],
    ];
    for (const [path, code] of cases) {
      const { status, body, headers } = await getJson(`${server.url}${path}`);
      expect({ path, status, code: body.error.code }).toEqual({ path, status: 400, code });
      expect(headers.get('content-type')).toMatch(/^application\/json/);
    }
    expect(server.sse.stats().connections).toBe(0);
    expect(server.sse.stats().rejected).toBe(cases.length);
  });

  it('applies authorize: 401 and 403 with JSON bodies, and a per-(event, topic) predicate', async () => {
    await using server = await startTestServer(contract, {
      authorize: (req) => {
        const token = req.headers.authorization;
        if (!token) throw new SseError('UNAUTHORIZED', 'Sign in first');
        if (token === 'Bearer nobody') return false;
        if (token === 'Bearer aapl-only')
          return (event, topic) => event === 'price' && topic === 'AAPL';
        return true;
      },
    });
    expect((await getJson(server.url)).status).toBe(401);
    expect((await getJson(server.url)).body.error.code).toBe('UNAUTHORIZED');
    const forbidden = await getJson(server.url, { authorization: 'Bearer nobody' });
    expect([forbidden.status, forbidden.body.error.code]).toEqual([403, 'FORBIDDEN']);

    const limited = readRaw(server.url, {
      headers: { authorization: 'Bearer aapl-only' },
      until: (t) => t.includes('"end"'),
    });
    await waitFor(() => server.sse.stats().connections === 1, 'connection');
    server.sse.publish('price', price('MSFT', 1), { topic: 'MSFT' });
    server.sse.publish('trade', { id: 't', qty: 1 });
    server.sse.publish('price', price('AAPL', 2), { topic: 'AAPL' });
    server.sse.publish('price', price('end', 3), { topic: 'AAPL' });
    const { text } = await limited;
    expect(text).not.toContain('MSFT');
    expect(text).not.toContain('event: trade');
    expect(text.match(/event: price/g)).toHaveLength(2);
  });

  it('answers 503 with Retry-After past maxConnections, and per IP', async () => {
    await using server = await startTestServer(contract, { maxConnections: 2 });
    const a = readRaw(server.url, { until: () => false, timeoutMs: 500 });
    const b = readRaw(server.url, { until: () => false, timeoutMs: 500 });
    await waitFor(() => server.sse.stats().connections === 2, 'two connections');
    const third = await getJson(server.url);
    expect(third.status).toBe(503);
    expect(third.body.error.code).toBe('TOO_MANY_CONNECTIONS');
    expect(third.headers.get('retry-after')).toBe('2');
    await Promise.all([a, b]);

    await using perIp = await startTestServer(contract, { maxConnectionsPerIp: 1 });
    const c = readRaw(perIp.url, { until: () => false, timeoutMs: 300 });
    await waitFor(() => perIp.sse.stats().connections === 1, 'one connection');
    expect((await getJson(perIp.url)).status).toBe(503);
    await c;
    await waitFor(() => perIp.sse.stats().connections === 0, 'released');
    const d = readRaw(perIp.url, { until: (t) => t.includes(': connected'), timeoutMs: 1000 });
    expect((await d).status).toBe(200);
  });
});

describe('publish', () => {
  it('throws SseValidationError on invalid data, and no client sees anything', async () => {
    await using server = await startTestServer(contract, {});
    const reading = readRaw(server.url, {
      until: (t) => t.includes('event: trade'),
      timeoutMs: 1500,
    });
    await waitFor(() => server.sse.stats().connections === 1, 'connection');
    const bad = () =>
      server.sse.publish('price', {
        symbol: 'AAPL',
        price: 'high' as unknown as number,
        at: new Date(),
      });
    expect(bad).toThrow(SseValidationError);
    try {
      bad();
    } catch (error) {
      expect((error as SseValidationError).event).toBe('price');
      expect((error as SseValidationError).issues?.[0]?.path).toEqual(['price']);
    }
    expect(() => server.sse.publish('trade', { id: 'x', qty: 1.5 })).toThrow(SseValidationError);
    expect(() => server.sse.publish('trade', { id: 'x', qty: 1 }, { topic: 'a\nid: 666' })).toThrow(
      SseError,
    );
    expect(() => server.sse.publish('nope' as 'trade', { id: 'x', qty: 1 })).toThrow(SseError);
    const id = server.sse.publish('trade', { id: 'ok', qty: 2 });
    const { text } = await reading;
    expect(text).not.toContain('price');
    expect(text).not.toContain('666');
    expect(text).toContain(`id: ${id}\nevent: trade\ndata: {"id":"ok","qty":2}\n\n`);
    expect(server.sse.stats().published).toBe(1);
  });

  it('returns ids <epoch>-<seq> that grow by one', async () => {
    await using server = await startTestServer(contract, {});
    const a = server.sse.publish('trade', { id: 'a', qty: 1 });
    const b = server.sse.publish('trade', { id: 'b', qty: 1 });
    const [ea, sa] = a.split('-');
    const [eb, sb] = b.split('-');
    expect(ea).toBe(eb);
    expect(Number(sb)).toBe(Number(sa) + 1);
  });
});

describe('the stream as standard SSE', () => {
  it('is read by a raw HTTP reader: headers, retry, comment, id-only block, events', async () => {
    await using server = await startTestServer(contract, { retryMs: 1234 });
    const first = server.sse.publish('trade', { id: 'before', qty: 1 });
    const reading = readRaw(`${server.url}/events/price?topic=AAPL`, {
      until: (t) => t.includes('"last"'),
    });
    await waitFor(() => server.sse.stats().connections === 1, 'connection');
    server.sse.publish('price', price('MSFT', 1), { topic: 'MSFT' });
    server.sse.publish('price', price('last', 2), { topic: 'AAPL' });
    const { status, headers, text } = await reading;
    expect(status).toBe(200);
    expect(headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(headers['cache-control']).toBe('no-cache, no-transform');
    expect(headers['x-accel-buffering']).toBe('no');
    expect(headers['content-length']).toBeUndefined();
    expect(text.startsWith(`retry: 1234\n: connected\n\nid: ${first}\n\n`)).toBe(true);
    expect(text).toMatch(/\nid: [0-9a-z]+-3\nevent: price\ntopic: AAPL\ndata: \{"symbol":"last"/);
    expect(text).not.toContain('MSFT');
  });

  it('is read by the eventsource npm package, with Last-Event-ID resume', async () => {
    await using server = await startTestServer(contract, { retryMs: 20 });
    const sockets = trackSockets(server.http);
    const es = new EventSource(`${server.url}?events=trade`);
    const got: { qty: number; id: string }[] = [];
    es.addEventListener('trade', (e) =>
      got.push({ qty: JSON.parse(e.data).qty, id: e.lastEventId }),
    );
    await new Promise((r) => es.addEventListener('open', r, { once: true }));
    for (let i = 0; i < 5; i++) server.sse.publish('trade', { id: 't', qty: i });
    await waitFor(() => got.length === 5, 'first five');
    for (const socket of sockets) socket.destroy();
    for (let i = 5; i < 10; i++) server.sse.publish('trade', { id: 't', qty: i });
    await waitFor(() => got.length === 10, 'all ten after the cut');
    es.close();
    expect(got.map((g) => g.qty)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(server.sse.stats().replayed).toBeGreaterThanOrEqual(5);
  });

  it('lets the Last-Event-ID header win over the lastEventId parameter', async () => {
    await using server = await startTestServer(contract, {});
    const ids = [0, 1, 2, 3].map((i) => server.sse.publish('trade', { id: `t${i}`, qty: i }));
    const { text } = await readRaw(`${server.url}?lastEventId=${ids[0]}`, {
      headers: { 'last-event-id': ids[2]! },
      until: (t) => t.includes('t3'),
    });
    expect(text).not.toContain('"t1"');
    expect(text).not.toContain('"t2"');
    expect(text).toContain('"t3"');
    const fromQuery = await readRaw(`${server.url}?lastEventId=${ids[1]}`, {
      until: (t) => t.includes('t3'),
    });
    expect(fromQuery.text).toContain('"t2"');
    expect(fromQuery.text).not.toContain('"t1"');
  });

  it('sends ssekit.reset once, with the current id, for too old, foreign and malformed ids', async () => {
    await using server = await startTestServer(contract, { broker: undefined });
    for (const lastEventId of ['zzz-1', 'garbage', 'x'.repeat(5000)]) {
      const { text } = await readRaw(server.url, {
        headers: { 'last-event-id': lastEventId },
        until: (t) => t.includes('ssekit.reset'),
      });
      expect(text).toMatch(
        /id: [0-9a-z]+-0\nevent: ssekit.reset\ndata: \{"reason":"(unknown-epoch|malformed)"\}/,
      );
    }
    expect(server.sse.stats().resets).toBe(3);
  });

  it('sends a heartbeat comment after the configured silence', async () => {
    await using server = await startTestServer(contract, { heartbeatMs: 100 });
    const { text } = await readRaw(server.url, {
      until: (t) => t.includes(': hb'),
      timeoutMs: 2000,
    });
    expect(text).toContain(': hb\n\n');
  });
});

describe('lifecycle', () => {
  it('closes a client that never reads once its buffer passes the bound, with memory bounded', async () => {
    await using server = await startTestServer(contract, { maxBufferedBytes: 256 * 1024 });
    const socket = net.connect((server.http.address() as net.AddressInfo).port, '127.0.0.1');
    socket.write(`GET /sse?events=trade HTTP/1.1\r\nHost: x\r\n\r\n`);
    await waitFor(() => server.sse.stats().connections === 1, 'raw connection');
    socket.pause(); // never read again
    const big = 'x'.repeat(1000);
    globalThis.gc?.();
    const before = process.memoryUsage();
    let sent = 0;
    // Small rounds, so that the kernel's socket buffers fill first and the bound trips on what the
    // server itself holds.
    for (let round = 0; round < 5000 && server.sse.stats().slowCloses === 0; round++) {
      for (let i = 0; i < 20; i++) server.sse.publish('trade', { id: big, qty: i });
      sent += 20 * 1000;
      await nextTurn(1);
    }
    await waitFor(() => server.sse.stats().slowCloses === 1, 'slow consumer closed');
    expect(server.sse.stats().connections).toBe(0);
    const after = process.memoryUsage();
    // The socket is gone with its buffers; what remains is the bounded replay log (10 000 events).
    const grown = after.heapUsed + after.external - before.heapUsed - before.external;
    expect(sent).toBeGreaterThan(256 * 1024);
    expect(grown).toBeLessThan(10_000 * 1200 + 8 * 1024 * 1024);
    socket.destroy();
  });

  it('leaves no connections, listeners or timers behind after 1000 connect/disconnect cycles', async () => {
    await using server = await startTestServer(contract, {});
    const handlesBefore = process.getActiveResourcesInfo().length;
    const port = (server.http.address() as net.AddressInfo).port;
    for (let batch = 0; batch < 20; batch++) {
      await Promise.all(
        Array.from(
          { length: 50 },
          () =>
            new Promise<void>((resolve, reject) => {
              const socket = net.connect(port, '127.0.0.1');
              socket.on('error', reject);
              socket.write(`GET /sse HTTP/1.1\r\nHost: x\r\n\r\n`);
              socket.once('data', () => {
                socket.destroy();
                resolve();
              });
            }),
        ),
      );
    }
    await waitFor(() => server.sse.stats().connections === 0, 'all closed');
    server.sse.publish('trade', { id: 'after', qty: 1 });
    await quietPeriod(20);
    expect(server.http.listenerCount('connection')).toBeLessThanOrEqual(2);
    expect(process.getActiveResourcesInfo().length).toBeLessThanOrEqual(handlesBefore + 2);
    expect(server.sse.stats().bytesWritten).toBeGreaterThan(0);
  });

  it('close({ graceMs }) ends every stream and refuses new ones', async () => {
    const server = await startTestServer(contract, {});
    const reading = readRaw(server.url, { until: () => false, timeoutMs: 3000 });
    await waitFor(() => server.sse.stats().connections === 1, 'connection');
    const started = Date.now();
    await server.sse.close({ graceMs: 500 });
    const { text } = await reading;
    expect(Date.now() - started).toBeLessThan(1000);
    expect(text).toContain(': connected');
    const refused = await getJson(server.url);
    expect([refused.status, refused.body.error.code]).toEqual([503, 'SERVER_CLOSING']);
    expect(() => server.sse.publish('trade', { id: 'x', qty: 1 })).toThrow(SseError);
    await server.close();
  });
});

describe('openapi.json', () => {
  it('serves the OpenAPI 3.2 document of the contract at {base}/openapi.json', async () => {
    const { createOpenApiDocument } = await import('@ssekit/server');
    await using server = await startTestServer(contract, {});
    const res = await fetch(`${server.url}/openapi.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const doc = (await res.json()) as { openapi: string; paths: Record<string, unknown> };
    expect(doc).toEqual(
      JSON.parse(JSON.stringify(createOpenApiDocument(contract, { basePath: '/sse' }))),
    );
    expect(doc.openapi).toBe('3.2.0');
    expect(Object.keys(doc.paths)).toContain('/sse');
  });
});
