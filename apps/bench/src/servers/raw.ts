/**
 * The batched baseline written straight on the socket: the response head is written by hand with
 * `Connection: close` and no `Transfer-Encoding`, so the body is raw SSE bytes that end with the
 * connection, and each tick's buffer goes to `socket.write` without chunked framing or
 * `ServerResponse` in the way. What it gives up is in apps/bench/README.md ("Past the baseline?").
 */
import type http from 'node:http';
import type net from 'node:net';
import { serve, ticks } from './harness.js';
import { countParam, frame } from './sse-node.js';

/** The head of every stream: the headers of `SSE_HEADERS`, and the close-delimited body. */
const HEAD =
  'HTTP/1.1 200 OK\r\n' +
  'Content-Type: text/event-stream; charset=utf-8\r\n' +
  'Cache-Control: no-cache, no-transform\r\n' +
  'X-Accel-Buffering: no\r\n' +
  'Connection: close\r\n' +
  '\r\n' +
  'retry: 2000\n: connected\n\n';

const clients = new Set<net.Socket>();
let pending: string[] = [];
let flushQueued = false;

function flush(): void {
  flushQueued = false;
  const chunk = Buffer.from(pending.join(''));
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
      const ok = socket.write(buffered);
      buffered = '';
      if (!ok) await drained(socket);
    }
  }
  socket.end(`${buffered}event: end\ndata: {}\n\n`);
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
