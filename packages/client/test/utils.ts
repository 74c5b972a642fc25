import { once } from 'node:events';
import type http from 'node:http';
import { nextTurn, startHttpServer } from '@ssekit/test-kit';
import type { EventLike, EventSourceLike } from '../src/transport/types.js';

/** One request as the test server saw it. */
export interface SeenRequest {
  readonly index: number;
  readonly at: number;
  readonly method: string;
  readonly url: string;
  readonly headers: http.IncomingHttpHeaders;
  /** `Last-Event-ID` decoded from its UTF-8 bytes (Node reads header bytes as latin1). */
  readonly lastEventId: string | undefined;
  /** Resolves when this request's socket closes. */
  readonly socketClosed: Promise<void>;
}

export type TestHandler = (
  req: http.IncomingMessage,
  res: http.ServerResponse,
  seen: SeenRequest,
) => void | Promise<void>;

export interface TestServer extends AsyncDisposable {
  /** `http://127.0.0.1:<port>/` */
  readonly url: string;
  readonly origin: string;
  readonly requests: readonly SeenRequest[];
  /** Sockets open right now. */
  openSockets(): number;
  close(): Promise<void>;
}

/**
 * A real HTTP server on loopback (port 0) calling `handler` for every request. Dispose it with
 * `await using server = await startTestServer(handler)`: open sockets are destroyed first.
 */
export async function startTestServer(handler: TestHandler): Promise<TestServer> {
  const requests: SeenRequest[] = [];
  const server = await startHttpServer((req, res) => {
    const header = req.headers['last-event-id'];
    const seen: SeenRequest = {
      index: requests.length,
      at: performance.now(),
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      headers: req.headers,
      lastEventId:
        typeof header === 'string' ? Buffer.from(header, 'latin1').toString('utf8') : undefined,
      // not events.once: it rejects on an 'error' (ECONNRESET) before the 'close' that follows
      socketClosed: req.socket.destroyed
        ? Promise.resolve()
        : new Promise<void>((resolve) => req.socket.once('close', () => resolve())),
    };
    requests.push(seen);
    Promise.resolve(handler(req, res, seen)).catch((error: unknown) => {
      res.destroy(error instanceof Error ? error : new Error(String(error)));
    });
  });
  return {
    url: `${server.origin}/`,
    origin: server.origin,
    requests,
    openSockets: () => server.sockets.size,
    close: server.close,
    [Symbol.asyncDispose]: server.close,
  };
}

/** Answer with `text/event-stream` (or `contentType`) headers, flushed at once. */
export function openStream(res: http.ServerResponse, contentType = 'text/event-stream'): void {
  res.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-cache' });
  res.flushHeaders();
}

/** Write and wait until the socket accepted it, so that separate writes arrive as separate chunks. */
export async function writeChunk(
  res: http.ServerResponse,
  chunk: string | Uint8Array,
): Promise<void> {
  if (!res.write(chunk)) await once(res, 'drain');
  await nextTurn(5);
}

export { waitFor } from '@ssekit/test-kit';

/** The next event of `type` on `source`, or a rejection after `timeoutMs`. */
export function nextEvent<TEvent extends EventLike = EventLike>(
  source: Pick<EventSourceLike, 'addEventListener' | 'removeEventListener'>,
  type: string,
  timeoutMs = 5_000,
): Promise<TEvent> {
  return new Promise((resolve, reject) => {
    const listener = (event: EventLike) => {
      clearTimeout(timer);
      source.removeEventListener(type, listener);
      resolve(event as TEvent);
    };
    const timer = setTimeout(() => {
      source.removeEventListener(type, listener);
      reject(new Error(`No ${type} event within ${timeoutMs} ms`));
    }, timeoutMs);
    source.addEventListener(type, listener);
  });
}

/**
 * Track the timers that code under `src/transport/` starts (its own calls, not those of `fetch`
 * underneath), to check that a closed source leaves none running. Call `stop()` when done.
 */
export function trackTransportTimers(): { live(): number; stop(): void } {
  const live = new Set<unknown>();
  const realSetTimeout = globalThis.setTimeout;
  const realClearTimeout = globalThis.clearTimeout;
  const patchedSetTimeout = ((
    callback: (...args: unknown[]) => void,
    ms?: number,
    ...args: unknown[]
  ) => {
    // frame 0 is "Error", frame 1 this function, frame 2 the caller
    const caller = new Error().stack?.split('\n')[2] ?? '';
    const handle = realSetTimeout(() => {
      live.delete(handle);
      callback(...args);
    }, ms);
    if (/src[\\/]transport[\\/]/.test(caller)) live.add(handle);
    return handle;
  }) as typeof setTimeout;
  const patchedClearTimeout = ((handle?: Parameters<typeof clearTimeout>[0]) => {
    live.delete(handle);
    realClearTimeout(handle);
  }) as typeof clearTimeout;
  globalThis.setTimeout = patchedSetTimeout;
  globalThis.clearTimeout = patchedClearTimeout;
  return {
    live: () => live.size,
    stop: () => {
      globalThis.setTimeout = realSetTimeout;
      globalThis.clearTimeout = realClearTimeout;
    },
  };
}
