/**
 * A hostile or broken server against FetchEventSource, over real loopback HTTP: garbage bytes, an
 * endless line, an endless event, an endless error body. The source must not crash, must keep its
 * memory bounded (far below what the server sends), and must report what it dropped.
 */
import type { ServerResponse } from 'node:http';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { type SseError, SseErrorCode } from '@ssekit/core';
import { describe, expect, test } from 'vitest';
import type { SseErrorEvent } from '../src/transport/events.js';
import { FetchEventSource } from '../src/transport/fetch-event-source.js';
import type { MessageEventLike } from '../src/transport/types.js';
import { nextEvent, openStream, startTestServer } from './utils.js';

const MiB = 1024 * 1024;

// A collection before each sample makes the numbers about what is retained, not about when the
// young generation was last swept.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as (options?: { type: 'major' | 'minor' }) => void;

/**
 * The highest growth of the live heap while `run` goes. Each sample sweeps the young generation
 * first (cheap, unlike a full collection, which would starve the event loop on a loaded machine):
 * garbage goes, and what the source retains has been promoted, so it stays in the count.
 */
async function peakLiveHeapGrowth(run: () => Promise<void>): Promise<number> {
  gc({ type: 'major' });
  const base = process.memoryUsage().heapUsed;
  let peak = 0;
  const sampler = setInterval(() => {
    gc({ type: 'minor' });
    peak = Math.max(peak, process.memoryUsage().heapUsed - base);
  }, 25);
  try {
    await run();
  } finally {
    clearInterval(sampler);
  }
  return peak;
}

/** Write `chunk` until `total` bytes went out, waiting for drain, so nothing piles up. */
async function pour(res: ServerResponse, total: number, chunk: Uint8Array): Promise<void> {
  for (let sent = 0; sent < total && !res.destroyed; sent += chunk.length) {
    if (!res.write(chunk)) {
      await new Promise<void>((resolve) => {
        const done = () => {
          res.off('drain', done);
          res.off('close', done);
          resolve();
        };
        res.on('drain', done);
        res.on('close', done);
      });
    }
  }
}

describe('hostile server', () => {
  test('garbage bytes: no crash, the stream survives, and a real event after them arrives', async () => {
    // A fixed xorshift stream: every byte value, CR and LF included, invalid UTF-8 and NUL too.
    let state = 0x9e3779b9;
    const garbage = new Uint8Array(64 * 1024).map(() => {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      return state & 0xff;
    });
    await using server = await startTestServer(async (_req, res) => {
      openStream(res);
      await pour(res, 8 * MiB, garbage);
      res.write('\n\nevent: alive\ndata: still here\n\n');
    });
    const source = new FetchEventSource(server.url);
    try {
      const event = await nextEvent<MessageEventLike>(source, 'alive', 20_000);
      expect(event.data).toBe('still here');
      expect(source.readyState).toBe(source.OPEN);
    } finally {
      source.close();
    }
  });

  test('an endless line (50 MiB, no line break): EVENT_TOO_LARGE, bounded memory, the stream goes on', async () => {
    const total = 50 * MiB;
    const dropped: SseError[] = [];
    await using server = await startTestServer(async (_req, res) => {
      openStream(res);
      await pour(res, total, new Uint8Array(64 * 1024).fill(0x61)); // "aaaa…"
      res.write('\n\nevent: alive\ndata: after the flood\n\n');
    });
    let received = '';
    const growth = await peakLiveHeapGrowth(async () => {
      const source = new FetchEventSource(server.url, { onParseError: (e) => dropped.push(e) });
      try {
        const event = await nextEvent<MessageEventLike>(source, 'alive', 30_000);
        received = event.data;
      } finally {
        source.close();
      }
    });
    expect(received).toBe('after the flood');
    expect(dropped.map((e) => e.code)).toEqual([SseErrorCode.EVENT_TOO_LARGE]);
    // The parser holds at most maxEventLength (1 Mi characters) of the line, then skips the rest.
    expect(growth).toBeLessThan(8 * MiB);
  });

  test('an endless event (50 MiB of data lines, no blank line): EVENT_TOO_LARGE, bounded memory', async () => {
    const total = 50 * MiB;
    const line = new TextEncoder().encode(`data: ${'b'.repeat(1018)}\n`); // 1 KiB per line
    const chunk = new Uint8Array(64 * line.length);
    for (let i = 0; i < 64; i++) chunk.set(line, i * line.length);
    const dropped: SseError[] = [];
    await using server = await startTestServer(async (_req, res) => {
      openStream(res);
      await pour(res, total, chunk);
      res.write('\nevent: alive\ndata: after the flood\n\n');
    });
    let received = '';
    const growth = await peakLiveHeapGrowth(async () => {
      const source = new FetchEventSource(server.url, { onParseError: (e) => dropped.push(e) });
      try {
        received = (await nextEvent<MessageEventLike>(source, 'alive', 30_000)).data;
      } finally {
        source.close();
      }
    });
    expect(received).toBe('after the flood');
    expect(dropped.map((e) => e.code)).toEqual([SseErrorCode.EVENT_TOO_LARGE]);
    expect(growth).toBeLessThan(8 * MiB);
  });

  test('an endless error body: read up to 64 KiB, then the error, without waiting for the end', async () => {
    await using server = await startTestServer(async (_req, res) => {
      res.writeHead(500, { 'content-type': 'text/plain' });
      await pour(res, 50 * MiB, new Uint8Array(64 * 1024).fill(0x7a));
    });
    const source = new FetchEventSource(server.url);
    try {
      const error = await nextEvent<SseErrorEvent>(source, 'error', 5_000);
      expect(error.status).toBe(500);
      expect(error.body).toHaveLength(64 * 1024);
      expect(source.readyState).toBe(source.CLOSED);
      await server.requests[0]?.socketClosed;
    } finally {
      source.close();
    }
  });
});
