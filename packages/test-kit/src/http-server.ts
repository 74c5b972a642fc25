// A real HTTP server on loopback, port 0, as an async disposable: every package's test server
// (raw handler, express app, SSE router, tRPC) is built on this one.
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** A listening server; `await using` closes it, destroying open sockets first. */
export interface HttpTestServer extends AsyncDisposable {
  readonly http: http.Server;
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  readonly port: number;
  /** Sockets open right now. */
  readonly sockets: ReadonlySet<Socket>;
  /** Destroy every open socket, as a network fault would; returns how many there were. */
  cutSockets(): number;
  /** Destroy the sockets and stop listening; idempotent. */
  close(): Promise<void>;
}

/**
 * Listen on 127.0.0.1, port 0 (or `port`), with `listener` (a request handler or an express app).
 *
 * @example
 * ```ts
 * await using server = await startHttpServer((req, res) => res.end('ok'));
 * await fetch(server.origin);
 * ```
 */
export async function startHttpServer(
  listener: http.RequestListener,
  options: { port?: number } = {},
): Promise<HttpTestServer> {
  const server = http.createServer(listener);
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.listen(options.port ?? 0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  const cutSockets = () => {
    const count = sockets.size;
    for (const socket of sockets) socket.destroy();
    return count;
  };
  let closed: Promise<void> | undefined;
  const close = () => {
    closed ??= new Promise<void>((resolve) => {
      cutSockets();
      server.close(() => resolve());
    });
    return closed;
  };
  return {
    http: server,
    origin: `http://127.0.0.1:${port}`,
    port,
    sockets,
    cutSockets,
    close,
    [Symbol.asyncDispose]: close,
  };
}
