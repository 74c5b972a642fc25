// The Node sink on a real loopback server, read by a raw socket: it keeps its own note of whether the
// response is open (reading the response's state on every write is slow under express), so an end
// it did not call must still stop its writes before a byte could follow the body's last chunk.
import { Buffer } from 'node:buffer';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { SseSink } from '../hub/sink.js';
import { startNodeSink } from './node-sink.js';

const servers: http.Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** A server whose every request runs `handle` on a fresh sink. */
async function serve(handle: (sink: SseSink, res: http.ServerResponse) => void): Promise<number> {
  const server = http.createServer((_req, res) => handle(startNodeSink(res), res));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** Everything one keep-alive socket received, and a way to send more on it. */
function rawClient(port: number, options: { paused?: boolean } = {}) {
  const socket = net.connect(port, '127.0.0.1');
  const received: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => received.push(chunk));
  if (options.paused) socket.pause();
  return {
    socket,
    get: () => socket.write('GET / HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n'),
    text: () => Buffer.concat(received).toString('latin1'),
  };
}

/** The first response's chunked body (undefined until its last chunk), and the bytes after it. */
function firstResponse(text: string): { body: string; rest: string } | undefined {
  let at = text.indexOf('\r\n\r\n') + 4;
  if (at < 4) return undefined;
  let body = '';
  for (;;) {
    const lineEnd = text.indexOf('\r\n', at);
    if (lineEnd === -1) return undefined;
    const size = Number.parseInt(text.slice(at, lineEnd), 16);
    const start = lineEnd + 2;
    if (text.length < start + size + 2) return undefined;
    if (size === 0) return { body, rest: text.slice(start + 2) };
    body += text.slice(start, start + size);
    at = start + size + 2;
  }
}

async function until<T>(read: () => T | undefined, what: string): Promise<T> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const value = read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('the Node sink', () => {
  it('takes no write once another hand ended the response, even while the end is queued', async () => {
    const late: boolean[] = [];
    const big = 'x'.repeat(4 * 1024 * 1024);
    const port = await serve((sink, res) => {
      expect(sink.write(Buffer.from('data: first\n\n'))).toBe(true);
      // The peer is not reading: the last chunk of the end waits in the socket's queue.
      sink.write(Buffer.from(big));
      res.end();
      late.push(sink.write(Buffer.from('data: late\n\n')), sink.writable);
    });
    const client = rawClient(port, { paused: true });
    client.get();
    await until(() => late.length || undefined, 'the handler');
    expect(late).toEqual([false, false]);
    client.socket.resume();
    const first = await until(() => firstResponse(client.text()), 'the last chunk');
    expect(first.body).toBe(`data: first\n\n${big}`);
    expect(first.rest).toBe('');

    // The connection is still good for the next request.
    client.get();
    await until(
      () => /^HTTP\/1\.1 200/.test(firstResponse(client.text())!.rest) || undefined,
      'the next response',
    );
  });

  it('takes no write after its own end or destroy', async () => {
    const answers: boolean[] = [];
    const port = await serve((sink) => {
      answers.push(sink.write('data: a\n\n'));
      if (answers.length === 1) sink.end();
      else sink.destroy();
      answers.push(sink.write('data: b\n\n'), sink.writable);
    });
    const one = rawClient(port);
    one.get();
    const first = await until(() => firstResponse(one.text()), 'the end');
    expect(first).toEqual({ body: 'data: a\n\n', rest: '' });
    const two = rawClient(port);
    const closed = new Promise((resolve) => two.socket.once('close', resolve));
    two.get();
    await closed;
    expect(answers).toEqual([true, false, false, true, false, false]);
  });
});
