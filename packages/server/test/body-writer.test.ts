// The body of a broadcast stream on the wire (issue 18): on plain HTTP/1.1 the hub writes framed
// chunks on the socket itself, elsewhere through `res.write`. Read with a raw socket and a strict
// chunked decoder: the framing holds, the response ends with its last chunk, and the connection
// stays usable for the next request; a wrapped `res.write` (compression) and HTTP/1.0 keep theirs.
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import { defineContract } from '@ssekit/core';
import { createSseServer } from '@ssekit/server';
import type { RequestHandler } from 'express';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startTestServer, waitFor } from './utils.js';

const contract = defineContract({
  events: { tick: z.object({ seq: z.number(), pad: z.string() }) },
});

/** A raw HTTP client on one socket: what arrived so far, and a way to send more. */
function rawSocket(port: number) {
  const socket = net.connect(port, '127.0.0.1');
  const received: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => received.push(chunk));
  return {
    socket,
    send: (text: string) => socket.write(text),
    bytes: () => Buffer.concat(received),
    text: () => Buffer.concat(received).toString('latin1'),
  };
}

interface Decoded {
  readonly head: string;
  readonly body: string;
  /** Bytes after the last chunk: the next response on the same connection. */
  readonly rest: string;
}

/** Decode one HTTP/1.1 chunked response strictly; undefined while incomplete; throws on bad framing. */
function decodeChunked(raw: Buffer): Decoded | undefined {
  const text = raw.toString('latin1');
  const headEnd = text.indexOf('\r\n\r\n');
  if (headEnd === -1) return undefined;
  const head = text.slice(0, headEnd);
  if (!/\r\ntransfer-encoding: chunked/i.test(head)) throw new Error(`not chunked:\n${head}`);
  let at = headEnd + 4;
  const body: Buffer[] = [];
  for (;;) {
    const lineEnd = text.indexOf('\r\n', at);
    if (lineEnd === -1) return undefined;
    const sizeText = text.slice(at, lineEnd);
    if (!/^[0-9a-f]+$/i.test(sizeText))
      throw new Error(`bad chunk size line ${JSON.stringify(sizeText)}`);
    const size = Number.parseInt(sizeText, 16);
    const start = lineEnd + 2;
    if (raw.length < start + size + 2) return undefined;
    if (raw.toString('latin1', start + size, start + size + 2) !== '\r\n') {
      throw new Error(`chunk of ${size} bytes not followed by CRLF`);
    }
    if (size === 0) {
      return { head, body: Buffer.concat(body).toString('utf8'), rest: text.slice(start + 2) };
    }
    body.push(raw.subarray(start, start + size));
    at = start + size + 2;
  }
}

/** Publish `count` events, `perTick` per turn of the event loop, with multi-byte text in them. */
async function publishSome(
  publish: (seq: number) => void,
  count: number,
  perTick: number,
): Promise<void> {
  for (let seq = 1; seq <= count; seq++) {
    publish(seq);
    if (seq % perTick === 0) await new Promise((resolve) => setImmediate(resolve));
  }
}

function seqsOf(body: string): number[] {
  return [...body.matchAll(/"seq":(\d+)/g)].map((m) => Number(m[1]));
}

const PAD = 'é€😀'.repeat(50);

describe('the body of a broadcast stream on the wire', () => {
  for (const variant of ['plain', 'wrapped res.write'] as const) {
    it(`${variant}: chunked framing holds, the response ends with its last chunk, keep-alive holds`, async () => {
      let wrappedBytes = 0;
      // A middleware that wraps res.write, as compression does: it must see every byte.
      const wrap: RequestHandler = (_req, res, next) => {
        const write = res.write.bind(res) as (chunk: unknown, ...rest: unknown[]) => boolean;
        res.write = ((chunk: unknown, ...rest: unknown[]) => {
          wrappedBytes += Buffer.byteLength(chunk as string | Buffer);
          return write(chunk, ...rest);
        }) as typeof res.write;
        next();
      };
      await using server = await startTestServer(contract, {}, (app) => {
        if (variant === 'wrapped res.write') app.use(wrap);
      });
      const port = Number(new URL(server.origin).port);
      const client = rawSocket(port);
      client.send('GET /sse?events=tick HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n');
      await waitFor(() => server.sse.stats().connections === 1, 'the stream to open');

      // Many per tick (one shared chunk per tick), then one per tick, then a large one.
      await publishSome((seq) => server.sse.publish('tick', { seq, pad: PAD }), 300, 100);
      await publishSome((seq) => server.sse.publish('tick', { seq: 300 + seq, pad: '' }), 20, 1);
      server.sse.publish('tick', { seq: 321, pad: 'x'.repeat(200_000) });
      await waitFor(() => client.text().includes('"seq":321'), 'the last event');
      expect(server.sse.disconnect(() => true)).toBe(1);

      await waitFor(() => decodeChunked(client.bytes()) !== undefined, 'the last chunk');
      const first = decodeChunked(client.bytes())!;
      expect(first.head).toMatch(/^HTTP\/1\.1 200/);
      expect(seqsOf(first.body)).toEqual(Array.from({ length: 321 }, (_, i) => i + 1));
      expect(first.body).toContain(PAD);
      if (variant === 'wrapped res.write') {
        expect(wrappedBytes).toBe(Buffer.byteLength(first.body));
      }

      // The connection is still good: the next request on it gets its own response.
      client.send('HEAD /sse?events=tick HTTP/1.1\r\nHost: x\r\n\r\n');
      await waitFor(() => /\r\n\r\n$/.test(decodeChunked(client.bytes())!.rest), 'the HEAD answer');
      expect(decodeChunked(client.bytes())!.rest).toMatch(/^HTTP\/1\.1 200/);
      client.socket.destroy();
    });
  }

  it('HTTP/1.0: a body delimited by the close of the connection, not framed', async () => {
    await using server = await startTestServer(contract, {});
    const port = Number(new URL(server.origin).port);
    const client = rawSocket(port);
    client.send('GET /sse?events=tick HTTP/1.0\r\nHost: x\r\n\r\n');
    await waitFor(() => server.sse.stats().connections === 1, 'the stream to open');
    await publishSome((seq) => server.sse.publish('tick', { seq, pad: PAD }), 50, 10);
    await waitFor(() => client.text().includes('"seq":50'), 'the last event');
    const ended = new Promise((resolve) => client.socket.once('close', resolve));
    server.sse.disconnect(() => true);
    await ended;
    const text = client.bytes().toString('utf8');
    const head = text.slice(0, text.indexOf('\r\n\r\n'));
    expect(head).toMatch(/^HTTP\/1\.1 200/);
    expect(head).not.toMatch(/transfer-encoding/i);
    const body = text.slice(text.indexOf('\r\n\r\n') + 4);
    expect(body.startsWith('retry:')).toBe(true);
    expect(seqsOf(body)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
  });
});

describe('HTTP/2 (the compatibility API), through res.write', () => {
  it('events arrive, and a client that stops reading is closed at maxBufferedBytes', async () => {
    const sse = createSseServer(contract, { maxBufferedBytes: 256 * 1024 });
    // The router alone on node:http2 (h2c): express's own request objects need HTTP/1.
    const server = http2.createServer((req, res) => {
      const rest = req.url.replace(/^\/sse/, '');
      req.url = rest.startsWith('/') ? rest : `/${rest}`;
      sse.router(req as never, res as never, () => res.writeHead(404).end());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const session = http2.connect(`http://127.0.0.1:${port}`);
    try {
      const reader = session.request({ ':path': '/sse?events=tick' });
      let text = '';
      reader.setEncoding('utf8');
      reader.on('data', (chunk: string) => {
        text += chunk;
      });
      await waitFor(() => sse.stats().connections === 1, 'the stream to open');
      sse.publish('tick', { seq: 1, pad: PAD });
      await waitFor(() => text.includes('"seq":1,'), 'the first event over HTTP/2');

      // Stop reading: HTTP/2 flow control then holds the bytes on the server side.
      reader.pause();
      reader.removeAllListeners('data');
      const big = 'x'.repeat(32 * 1024);
      for (let seq = 2; seq < 200 && sse.stats().slowCloses === 0; seq++) {
        sse.publish('tick', { seq, pad: big });
        await new Promise((resolve) => setImmediate(resolve));
      }
      await waitFor(() => sse.stats().slowCloses === 1, 'the slow HTTP/2 stream to be closed');
      await waitFor(() => sse.stats().connections === 0, 'the connection to be gone');
    } finally {
      session.destroy();
      await sse.close({ graceMs: 0 });
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
