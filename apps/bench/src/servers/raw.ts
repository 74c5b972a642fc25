/**
 * The batched baseline written straight on the socket: the response head is written by hand with
 * `Connection: close` and no `Transfer-Encoding`, so the body is raw SSE bytes that end with the
 * connection, and each tick's buffer goes to `socket.write` without chunked framing or
 * `ServerResponse` in the way. With `RAW_CHUNKED=1` (contender `raw-chunked`) the head says
 * `Transfer-Encoding: chunked` instead and each tick's buffer is framed as one chunk, once for all
 * clients: valid HTTP/1.1 with keep-alive. What each gives up: apps/bench/README.md ("Past the baseline?").
 */
import type http from 'node:http';
import type net from 'node:net';
import { serve, ticks } from './harness.js';
import { countParam, frame } from './sse-node.js';

const CHUNKED = process.env.RAW_CHUNKED === '1';

/** One chunk of a chunked body: size line, bytes, CRLF; or the bytes as they are. */
function framed(body: string | Buffer): Buffer {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  if (!CHUNKED || bytes.length === 0) return bytes;
  return Buffer.concat([Buffer.from(`${bytes.length.toString(16)}\r\n`), bytes, CRLF]);
}
const CRLF = Buffer.from('\r\n');

/** The head of every stream: the headers of `SSE_HEADERS`, and the body's framing. */
const HEAD = Buffer.concat([
  Buffer.from(
    'HTTP/1.1 200 OK\r\n' +
      'Content-Type: text/event-stream; charset=utf-8\r\n' +
      'Cache-Control: no-cache, no-transform\r\n' +
      'X-Accel-Buffering: no\r\n' +
      (CHUNKED ? 'Transfer-Encoding: chunked\r\n' : 'Connection: close\r\n') +
      '\r\n',
  ),
  framed('retry: 2000\n: connected\n\n'),
]);

const clients = new Set<net.Socket>();
let pending: string[] = [];
let flushQueued = false;

function flush(): void {
  flushQueued = false;
  // Framed once per tick, whatever the number of clients.
  const chunk = framed(pending.join(''));
  pending = [];
  for (const socket of clients) socket.write(chunk);
}

/** Take the socket from node:http: the response object is never used. */
function takeOver(req: http.IncomingMessage): net.Socket {
  const socket = req.socket;
  socket.setNoDelay(true);
  socket.write(HEAD);
  return socket;
}

function drained(socket: net.Socket): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      socket.off('drain', done);
      socket.off('close', done);
      resolve();
    };
    socket.on('drain', done);
    socket.on('close', done);
  });
}

/** RPC stream: frames gathered up to 16 KiB per write, with backpressure; the end closes the socket. */
async function stream(req: http.IncomingMessage): Promise<void> {
  const socket = takeOver(req);
  let buffered = '';
  let id = 0;
  for await (const event of ticks(countParam(req))) {
    if (socket.destroyed) return;
    buffered += frame(++id, 'tick', event);
    if (buffered.length >= 16_384) {
      const ok = socket.write(framed(buffered));
      buffered = '';
      if (!ok) await drained(socket);
    }
  }
  const last = framed(`${buffered}event: end\ndata: {}\n\n`);
  // Chunked: the last chunk ends the response and the connection stays open (keep-alive).
  if (CHUNKED) socket.write(Buffer.concat([last, Buffer.from('0\r\n\r\n')]));
  else socket.end(last);
}

await serve({
  subscribePath: '/events',
  streamPath: '/stream?count={count}',
  handler(req, res) {
    if (req.url === '/events') {
      const socket = takeOver(req);
      clients.add(socket);
      socket.on('close', () => clients.delete(socket));
    } else if (req.url?.startsWith('/stream?')) {
      void stream(req);
    } else {
      res.writeHead(404).end();
    }
  },
  publish(event, seq) {
    pending.push(frame(seq, 'price', event));
    if (!flushQueued) {
      flushQueued = true;
      queueMicrotask(flush);
    }
  },
  subscribers: () => clients.size,
});
