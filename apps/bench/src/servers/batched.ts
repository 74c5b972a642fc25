/**
 * The reference: what Node's HTTP stack can do. Each event is serialised once; the events of one
 * tick are concatenated into one buffer, and each client gets one `res.write` of it per tick.
 */
import type http from 'node:http';
import { serve, ticks } from './harness.js';
import { countParam, drained, frame, openStream } from './sse-node.js';

const clients = new Set<http.ServerResponse>();
let pending: string[] = [];
let flushQueued = false;

function flush(): void {
  flushQueued = false;
  const chunk = Buffer.from(pending.join(''));
  pending = [];
  for (const res of clients) res.write(chunk);
}

/** RPC stream: frames are gathered up to 16 KiB per write, with backpressure. */
async function stream(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  openStream(res);
  let buffered = '';
  let id = 0;
  for await (const event of ticks(countParam(req))) {
    if (res.destroyed) return;
    buffered += frame(++id, 'tick', event);
    if (buffered.length >= 16_384) {
      const ok = res.write(buffered);
      buffered = '';
      if (!ok) await drained(res);
    }
  }
  res.end(`${buffered}event: end\ndata: {}\n\n`);
}

await serve({
  subscribePath: '/events',
  streamPath: '/stream?count={count}',
  handler(req, res) {
    if (req.url === '/events') {
      openStream(res);
      clients.add(res);
      res.on('close', () => clients.delete(res));
    } else if (req.url?.startsWith('/stream?')) {
      void stream(req, res);
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
