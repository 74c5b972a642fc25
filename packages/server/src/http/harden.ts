// Socket-level defaults for the Node HTTP server that carries ssekit's routes: bounds on idle and
// unfinished connections, which the routes themselves cannot see (they run only once a request is
// complete).
import type { Server } from 'node:http';

/** Options of `hardenServer`. */
export interface HardenServerOptions {
  /**
   * Time to receive a request's headers. Node checks it every `connectionsCheckingInterval` (30 s
   * unless set at `createServer`). @default 10_000
   */
  headersTimeoutMs?: number;
  /**
   * Time to receive a whole request, body included. It bounds the request only: a stream that the
   * response carries for hours is not cut by it. @default 30_000
   */
  requestTimeoutMs?: number;
  /** How long an idle keep-alive socket waits for its next request. @default 5_000 */
  keepAliveTimeoutMs?: number;
  /**
   * A socket with no byte in either direction for this long is destroyed: connections that never
   * send a request, or stop halfway. Streams stay busy with their heartbeats (every 15 s of silence
   * by default), so this must stay above `heartbeatMs`; `null` turns it off. @default 60_000
   */
  idleSocketMs?: number | null;
  /** Open sockets above which Node refuses new ones at once (`server.maxConnections`). @default null */
  maxSockets?: number | null;
}

/**
 * Apply timeouts that keep one noisy address from holding sockets that never become requests. Node
 * otherwise keeps an idle socket that sent nothing for as long as the peer likes (measured: ~88 s
 * before any check closed one).
 *
 * @example
 * ```ts
 * const server = hardenServer(http.createServer({ connectionsCheckingInterval: 2_000 }, app));
 * server.listen(3000);
 * ```
 */
export function hardenServer<T extends Server>(server: T, options: HardenServerOptions = {}): T {
  server.headersTimeout = options.headersTimeoutMs ?? 10_000;
  server.requestTimeout = options.requestTimeoutMs ?? 30_000;
  server.keepAliveTimeout = options.keepAliveTimeoutMs ?? 5_000;
  const idle = options.idleSocketMs === undefined ? 60_000 : options.idleSocketMs;
  // With no 'timeout' listener on the server, Node destroys a socket that times out.
  if (idle !== null) server.setTimeout(idle);
  if (options.maxSockets !== undefined && options.maxSockets !== null) {
    server.maxConnections = options.maxSockets;
  }
  return server;
}
