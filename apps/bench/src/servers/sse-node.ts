// What the hand-written contenders share on node:http: ssekit's headers and first write, one frame,
// waiting for `drain`. A helper, not a contender: the runner does not bundle it as a server.
import type http from 'node:http';

/** The headers ssekit's DESIGN prescribes; the hand-written baselines send the same. */
export const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  'x-accel-buffering': 'no',
} as const;

/** One frame, as the baselines write it: the same fields ssekit writes. */
export function frame(id: number, event: string, data: unknown): string {
  return `id: ${id}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** Start an SSE response the way ssekit does: headers at once, then a comment so `open` fires. */
export function openStream(res: http.ServerResponse): void {
  res.writeHead(200, SSE_HEADERS);
  res.write('retry: 2000\n: connected\n\n');
}

/** Resolve when `res` can take more bytes, or has gone away. */
export function drained(res: http.ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

/** The `count` query parameter of an RPC stream request. */
export function countParam(req: http.IncomingMessage): number {
  return Number(new URL(req.url ?? '/', 'http://127.0.0.1').searchParams.get('count'));
}
