// The counters of one server (`sse.stats()`): connections, streams, events, bytes, refusals,
// counted where each happens: the routes, the hub, RPC streams.

/** Counters of one server, read with `sse.stats()`. */
export interface SseServerStats {
  /** Open broadcast connections. */
  connections: number;
  /** Open RPC streams. */
  streams: number;
  /** Events published through this server (accepted by the broker). */
  published: number;
  /** Bytes handed to sockets, all connections and streams together. */
  bytesWritten: number;
  /** Connections closed because their unsent buffer passed `maxBufferedBytes`. */
  slowCloses: number;
  /** Connections closed, furthest behind first, because all unsent buffers together passed `maxTotalBufferedBytes`. */
  budgetCloses: number;
  /** `ssekit.reset` events sent. */
  resets: number;
  /** Events written from the replay log to resuming connections. */
  replayed: number;
  /** Requests refused before the stream started (4xx and 503). */
  rejected: number;
}

export function createStats(): SseServerStats {
  return {
    connections: 0,
    streams: 0,
    published: 0,
    bytesWritten: 0,
    slowCloses: 0,
    budgetCloses: 0,
    resets: 0,
    replayed: 0,
    rejected: 0,
  };
}
