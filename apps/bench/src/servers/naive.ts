/** The naive fan-out: each event serialised once, then one `res.write` per event per client. */
import type http from 'node:http';
import { serve, ticks } from './harness.js';
import { countParam, drained, frame, openStream } from './sse-node.js';

const clients = new Set<http.ServerResponse>();

/** RPC stream: one write per event, waiting for `drain` when the socket is full. */
async function stream(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  openStream(res);
  let id = 0;
  for await (const event of ticks(countParam(req))) {
    if (res.destroyed) return;
    if (!res.write(frame(++id, 'tick', event))) await drained(res);
  }
  res.end('event: end\ndata: {}\n\n');
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
    const text = frame(seq, 'price', event);
    for (const res of clients) res.write(text);
  },
  subscribers: () => clients.size,
});
