// Security defaults (issue 16): authorize fails closed and runs before anything that reveals names,
// HEAD holds nothing, one address cannot take the server, malformed paths are 400, error bodies are
// not sniffable, the OpenAPI document is behind authorize, and grants can be revoked.
import http from 'node:http';
import net from 'node:net';
import { defineContract, SseError } from '@ssekit/core';
import { hardenServer } from '@ssekit/server';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { openSession } from './sessions.js';
import { startTestServer, waitFor } from './utils.js';

const contract = defineContract({
  events: { tick: z.object({ n: z.int() }) },
  streams: {
    feed: { input: z.object({ symbol: z.string() }), events: { tick: z.object({ n: z.int() }) } },
  },
});

function request(url: string, method = 'GET', headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>(
    (resolve, reject) => {
      const req = http.request(url, { method, headers, agent: false }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
          // A stream that started: enough to know its status.
          if (res.headers['content-type']?.startsWith('text/event-stream')) req.destroy();
        });
        const done = () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
        res.on('end', done);
        res.on('close', done);
      });
      req.on('error', reject);
      req.end();
    },
  );
}

const signedIn = (req: http.IncomingMessage) => {
  const token = req.headers.authorization;
  if (token !== 'Bearer aapl') throw new SseError('UNAUTHORIZED', 'Sign in first');
  return { principal: { user: 'u1', symbols: ['AAPL'] } };
};

describe('security', () => {
  it('a predicate returned for an RPC stream refuses it (403) and onError says why', async () => {
    const errors: unknown[] = [];
    let ran = false;
    await using server = await startTestServer(contract, {
      authorize: () => (_event, topic) => topic === 'AAPL',
      onError: (error) => errors.push(error),
      streams: {
        feed: async function* () {
          ran = true;
          yield { event: 'tick', data: { n: 1 } };
        },
      },
    });
    const res = await request(
      `${server.url}/streams/feed?input=${encodeURIComponent('{"symbol":"MSFT"}')}`,
    );
    expect(res.status).toBe(403);
    expect(JSON.parse(res.body).error.code).toBe('FORBIDDEN');
    expect(ran).toBe(false);
    expect(String((errors[0] as Error).message)).toMatch(/predicate for a stream request/);
  });

  it('stream handlers get the principal of the grant, to check inputs against it', async () => {
    await using server = await startTestServer(contract, {
      authorize: (req) => signedIn(req),
      streams: {
        feed: async function* ({ input, principal }) {
          const { symbols } = principal as { symbols: string[] };
          if (!symbols.includes(input.symbol)) throw new SseError('FORBIDDEN', 'Not your symbol');
          yield { event: 'tick', data: { n: 1 } };
        },
      },
    });
    const auth = { authorization: 'Bearer aapl' };
    const mine = openSession(
      `${server.url}/streams/feed?input=${encodeURIComponent('{"symbol":"AAPL"}')}`,
      auth,
    );
    const theirs = openSession(
      `${server.url}/streams/feed?input=${encodeURIComponent('{"symbol":"MSFT"}')}`,
      auth,
    );
    await waitFor(() => mine.ended && theirs.ended, 'both ended');
    expect(mine.events.map((e) => e.type)).toEqual(['tick', 'ssekit.end']);
    expect(theirs.events.map((e) => e.type)).toEqual(['ssekit.error']);
    expect(JSON.parse(theirs.events[0]!.data).code).toBe('FORBIDDEN');
  });

  it('authorize runs before names and inputs are checked: an anonymous caller learns nothing', async () => {
    await using server = await startTestServer(contract, {
      authorize: (req) => signedIn(req),
      streams: { feed: async function* () {} },
    });
    for (const path of [
      '/events/nope',
      '?events=nope',
      '/streams/nope',
      '/streams/feed?input=%7B%7D',
    ]) {
      const res = await request(`${server.url}${path}`);
      expect(res.status, path).toBe(401);
      expect(JSON.parse(res.body).error.code, path).toBe('UNAUTHORIZED');
    }
    const known = await request(`${server.url}/events/nope`, 'GET', {
      authorization: 'Bearer aapl',
    });
    expect(JSON.parse(known.body).error.code).toBe('UNKNOWN_EVENT');
  });

  it('HEAD answers the headers and ends: no slot, no handler, no stream', async () => {
    let ran = false;
    await using server = await startTestServer(contract, {
      maxConnections: 1,
      streams: {
        feed: async function* () {
          ran = true;
          yield { event: 'tick', data: { n: 1 } };
        },
      },
    });
    for (const path of [
      '',
      '/events/tick',
      `/streams/feed?input=${encodeURIComponent('{"symbol":"A"}')}`,
    ]) {
      const res = await request(`${server.url}${path}`, 'HEAD');
      expect(res.status, path).toBe(200);
      expect(res.headers['content-type'], path).toMatch(/^text\/event-stream/);
      expect(res.body).toBe('');
    }
    expect(ran).toBe(false);
    expect(server.sse.stats().connections + server.sse.stats().streams).toBe(0);
    // The one slot is still free.
    const session = openSession(server.url);
    await waitFor(() => session.status === 200, 'a GET gets the slot');
    session.destroy();
  });

  it('one address is bounded by default (256 streams): the 257th gets 503 with Retry-After', async () => {
    await using server = await startTestServer(contract, {
      streams: { feed: async function* () {} },
    });
    const sessions = Array.from({ length: 256 }, () => openSession(server.url));
    await waitFor(() => server.sse.stats().connections === 256, 'the address holds 256', 15_000);
    const extra = await request(server.url);
    expect(extra.status).toBe(503);
    expect(extra.headers['retry-after']).toBeDefined();
    expect(JSON.parse(extra.body).error.code).toBe('TOO_MANY_CONNECTIONS');
    for (const s of sessions) s.destroy();
  });

  it('a malformed escape in the path is 400 BAD_REQUEST; every error body carries nosniff', async () => {
    const errors: unknown[] = [];
    await using server = await startTestServer(contract, {
      onError: (error) => errors.push(error),
      streams: { feed: async function* () {} },
    });
    const res = await request(`${server.url}/events/%E0%A4%A`);
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body).error.code).toBe('BAD_REQUEST');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(errors).toEqual([]);
    const unknown = await request(`${server.url}/events/<script>`);
    expect(unknown.headers['x-content-type-options']).toBe('nosniff');
  });

  it('openapi.json is behind authorize by default; "public" serves it, false does not', async () => {
    await using guarded = await startTestServer(contract, {
      authorize: (req) => signedIn(req),
      streams: { feed: async function* () {} },
    });
    expect((await request(`${guarded.url}/openapi.json`)).status).toBe(401);
    expect(
      (await request(`${guarded.url}/openapi.json`, 'GET', { authorization: 'Bearer aapl' }))
        .status,
    ).toBe(200);
    await using open = await startTestServer(contract, {
      authorize: (req) => signedIn(req),
      openapi: 'public',
      streams: { feed: async function* () {} },
    });
    expect((await request(`${open.url}/openapi.json`)).status).toBe(200);
    await using off = await startTestServer(contract, {
      openapi: false,
      streams: { feed: async function* () {} },
    });
    expect((await request(`${off.url}/openapi.json`)).status).toBe(404);
  });

  it('disconnect ends the streams of a revoked principal; authorize refuses it on reconnect', async () => {
    const revoked = new Set<string>();
    await using server = await startTestServer(contract, {
      authorize: (req) => {
        const user = String(req.headers['x-user']);
        if (revoked.has(user)) throw new SseError('UNAUTHORIZED', 'Revoked');
        return { principal: { user } };
      },
      streams: {
        feed: async function* ({ signal }) {
          while (!signal.aborted) {
            yield { event: 'tick', data: { n: 1 } };
            await new Promise((resolve) => setTimeout(resolve, 20));
          }
        },
      },
    });
    const alice = openSession(server.url, { 'x-user': 'alice' });
    const bob = openSession(server.url, { 'x-user': 'bob' });
    const bobStream = openSession(
      `${server.url}/streams/feed?input=${encodeURIComponent('{"symbol":"A"}')}`,
      {
        'x-user': 'bob',
      },
    );
    await waitFor(
      () => server.sse.stats().connections === 2 && server.sse.stats().streams === 1,
      'open',
    );
    revoked.add('bob');
    expect(server.sse.disconnect((p) => (p as { user: string }).user === 'bob')).toBe(2);
    await waitFor(() => bob.ended && bobStream.ended, "bob's streams ended");
    expect(alice.ended).toBe(false);
    const again = await request(server.url, 'GET', { 'x-user': 'bob' });
    expect(again.status).toBe(401);
    alice.destroy();
  });

  it('hardenServer closes sockets that never send a request; streams with heartbeats stay', async () => {
    await using server = await startTestServer(contract, {
      heartbeatMs: 100,
      streams: { feed: async function* () {} },
    });
    hardenServer(server.http, { idleSocketMs: 400 });
    const stream = openSession(server.url);
    const idle = net.connect((server.http.address() as net.AddressInfo).port, '127.0.0.1');
    let idleClosed = false;
    idle.on('close', () => {
      idleClosed = true;
    });
    idle.on('error', () => {});
    await waitFor(() => idleClosed, 'the idle socket was closed', 3_000);
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(stream.ended).toBe(false);
    expect(stream.status).toBe(200);
    stream.destroy();
  });
});
