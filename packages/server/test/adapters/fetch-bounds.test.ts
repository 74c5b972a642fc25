// The Fetch adapter under the same memory bounds as express: bytes a `ReadableStream` reader has
// not pulled count toward `maxBufferedBytes` and `maxTotalBufferedBytes`, and a client that leaves
// or a server that closes ends the stream. Served by Hono on Node, whose reader pulls only as fast
// as the socket drains.
import net from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { defineContract } from '@ssekit/core';
import { nextTurn, startHttpServer, waitFor } from '@ssekit/test-kit';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createSseServer, type SseServerBaseOptions } from '../../src/index.js';

const contract = defineContract({ events: { trade: z.object({ id: z.string(), qty: z.int() }) } });

async function startHono(options: SseServerBaseOptions<Request>) {
  const sse = createSseServer(contract, { ...options, fetch: { basePath: '/sse' } });
  const app = new Hono();
  app.all('/sse/*', (c) => sse.fetch(c.req.raw, c.env));
  app.all('/sse', (c) => sse.fetch(c.req.raw, c.env));
  const server = await startHttpServer(getRequestListener(app.fetch));
  return {
    sse,
    server,
    async [Symbol.asyncDispose]() {
      await sse.close({ graceMs: 100 });
      await server.close();
    },
  };
}

/** A raw client that asks for the stream and then never reads. */
function stalledReader(port: number): net.Socket {
  const socket = net.connect(port, '127.0.0.1');
  socket.write('GET /sse?events=trade HTTP/1.1\r\nHost: x\r\n\r\n');
  socket.once('data', () => socket.pause());
  socket.on('error', () => {});
  return socket;
}

async function flood(sse: { publish: (...args: never[]) => unknown }, until: () => boolean) {
  const big = 'x'.repeat(1000);
  for (let round = 0; round < 5000 && !until(); round++) {
    for (let i = 0; i < 20; i++)
      (sse.publish as (n: string, d: unknown) => void)('trade', { id: big, qty: i });
    await nextTurn(1);
  }
}

describe('sse.fetch under the buffer bounds', () => {
  it('closes a reader that never reads once its queued bytes pass maxBufferedBytes', async () => {
    await using target = await startHono({ maxBufferedBytes: 256 * 1024, heartbeatMs: null });
    const socket = stalledReader(target.server.port);
    await waitFor(() => target.sse.stats().connections === 1, 'the stalled reader to connect');
    await flood(target.sse, () => target.sse.stats().slowCloses > 0);
    await waitFor(() => target.sse.stats().slowCloses === 1, 'the slow reader closed');
    await waitFor(() => target.sse.stats().connections === 0, 'its connection released');
    socket.destroy();
  });

  it('closes the readers furthest behind once all queues together pass maxTotalBufferedBytes', async () => {
    await using target = await startHono({
      // Far above what one reader's queue gathers between two budget checks (one second), so that
      // the total, not the per-connection bound, closes them.
      maxBufferedBytes: 128 * 1024 * 1024,
      maxTotalBufferedBytes: 512 * 1024,
      heartbeatMs: null,
    });
    const sockets = [stalledReader(target.server.port), stalledReader(target.server.port)];
    await waitFor(() => target.sse.stats().connections === 2, 'two stalled readers');
    await flood(target.sse, () => target.sse.stats().budgetCloses > 0);
    await waitFor(() => target.sse.stats().budgetCloses >= 1, 'the budget enforced');
    expect(target.sse.stats().slowCloses).toBe(0);
    for (const socket of sockets) socket.destroy();
  });

  it('a client that goes away, and close(), both end the stream and free its slot', async () => {
    await using target = await startHono({ heartbeatMs: null });
    const leaving = new AbortController();
    const response = await fetch(`${target.server.origin}/sse`, { signal: leaving.signal });
    expect(response.status).toBe(200);
    await waitFor(() => target.sse.stats().connections === 1, 'connected');
    leaving.abort();
    await waitFor(() => target.sse.stats().connections === 0, 'released when the client left');

    const staying = await fetch(`${target.server.origin}/sse`);
    await waitFor(() => target.sse.stats().connections === 1, 'connected again');
    const text = staying.text();
    await target.sse.close({ graceMs: 1_000 });
    expect(await text).toContain(': connected');
    expect(target.sse.stats().connections).toBe(0);
  });
});
