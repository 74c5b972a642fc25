import http from 'node:http';
import type { AnyContract } from '@ssekit/core';
import {
  createSseServer,
  type MemoryBroker,
  type SseServer,
  type SseServerOptions,
} from '@ssekit/server';
import { startHttpServer } from '@ssekit/test-kit';
import express from 'express';

export interface TestServer<TContract extends AnyContract> extends AsyncDisposable {
  readonly sse: SseServer<TContract>;
  readonly app: express.Express;
  readonly http: http.Server;
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  /** The SSE base URL: `<origin>/sse` */
  readonly url: string;
  close(): Promise<void>;
}

/** A real express server on loopback with the SSE router at /sse. Dispose it with `await using`. */
export async function startTestServer<TContract extends AnyContract>(
  contract: TContract,
  options: SseServerOptions<TContract>,
  setup?: (app: express.Express) => void,
  port = 0,
): Promise<TestServer<TContract>> {
  const sse = createSseServer(
    contract,
    options as SseServerOptions<TContract> & { broker?: MemoryBroker },
  );
  const app = express();
  setup?.(app);
  app.use('/sse', sse.router);
  const server = await startHttpServer(app, { port });
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await sse.close({ graceMs: 200 });
    await server.close();
  };
  return {
    sse,
    app,
    http: server.http,
    origin: server.origin,
    url: `${server.origin}/sse`,
    close,
    [Symbol.asyncDispose]: close,
  };
}

/** Read a raw SSE response until `until` returns true or the time runs out; returns the text. */
export async function readRaw(
  url: string,
  options: {
    headers?: Record<string, string>;
    until: (text: string) => boolean;
    timeoutMs?: number;
  },
): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers: options.headers }, (res) => {
      let text = '';
      const timer = setTimeout(() => {
        req.destroy();
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text });
      }, options.timeoutMs ?? 2_000);
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
        if (options.until(text)) {
          clearTimeout(timer);
          req.destroy();
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text });
        }
      });
      res.on('end', () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text });
      });
    });
    req.on('error', reject);
  });
}

export { waitFor } from '@ssekit/test-kit';

/** Open sockets of a server, so that a test can cut one as a network fault would. */
export function trackSockets(server: http.Server): Set<import('node:net').Socket> {
  const sockets = new Set<import('node:net').Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  return sockets;
}
