// The sink of a Fetch API response: a `ReadableStream` of bytes whose reader (the runtime's HTTP
// server) pulls. What waits in front of the reader counts as unsent, toward the same buffer bounds
// as a Node socket's `writableLength`.
import type { SseSink } from '../hub/sink.js';

const encoder = new TextEncoder();

/** A sink and the stream a `Response` sends; the sink closes when either side ends. */
export interface FetchSink {
  readonly sink: SseSink;
  readonly body: ReadableStream<Uint8Array>;
}

/**
 * Make a stream whose bytes the reader pulls. Chunks wait in a queue of this sink until the reader
 * asks (`pull`, called only while a read is pending: `highWaterMark: 0`), so `bufferedBytes` is
 * exactly what the reader has not taken. It is a default stream of `Uint8Array` chunks, not a
 * `type: 'bytes'` one: enqueueing on a byte stream transfers (detaches) the chunk's buffer, and the
 * hub shares one buffer between every connection of a group.
 *
 * `signal` (the request's) aborting, the reader cancelling, and `destroy` all close it at once,
 * dropping the queue; `end` closes it once the queue is taken.
 */
export function createFetchSink(signal: AbortSignal | undefined): FetchSink {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let queue: Uint8Array[] = [];
  let queued = 0;
  /** A read is pending and nothing was queued: the next write goes straight to the reader. */
  let wanted = false;
  let ending = false;
  let closed = false;
  const closeListeners: (() => void)[] = [];
  const waiters: { readonly highWater: number; readonly resolve: () => void }[] = [];

  const settle = (): void => {
    for (let i = waiters.length - 1; i >= 0; i--) {
      const waiter = waiters[i]!;
      if (closed || queued <= waiter.highWater) {
        waiters.splice(i, 1);
        waiter.resolve();
      }
    }
  };
  const close = (): void => {
    if (closed) return;
    closed = true;
    queue = [];
    queued = 0;
    signal?.removeEventListener('abort', onAbort);
    settle();
    for (const listener of closeListeners.splice(0)) listener();
  };
  // The client went: end the body quietly (an error here is logged by some runtimes as a failure).
  const onAbort = (): void => {
    if (closed) return;
    try {
      controller.close();
    } catch {
      // Already closed or cancelled by the reader.
    }
    close();
  };

  const body = new ReadableStream<Uint8Array>(
    {
      start(c) {
        controller = c;
      },
      pull() {
        if (closed) return;
        if (queued > 0) {
          const chunk = queue.length === 1 ? queue[0]! : concat(queue, queued);
          queue = [];
          queued = 0;
          controller.enqueue(chunk);
          settle();
        } else wanted = true;
        if (ending && queued === 0) {
          controller.close();
          close();
        }
      },
      cancel() {
        close();
      },
    },
    { highWaterMark: 0 },
  );

  const sink: SseSink = {
    get bufferedBytes() {
      return queued;
    },
    holdsMoreThan(limit) {
      return queued > limit;
    },
    get writable() {
      return !closed && !ending;
    },
    get closed() {
      return closed;
    },
    write(chunk) {
      if (closed || ending) return false;
      const bytes = typeof chunk === 'string' ? encoder.encode(chunk) : chunk;
      if (bytes.byteLength === 0) return true;
      if (wanted) {
        wanted = false;
        controller.enqueue(bytes);
        return true;
      }
      queue.push(bytes);
      queued += bytes.byteLength;
      return true;
    },
    drained(highWaterBytes) {
      if (closed || queued <= highWaterBytes) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ highWater: highWaterBytes, resolve }));
    },
    end() {
      if (closed || ending) return;
      ending = true;
      if (queued === 0) {
        controller.close();
        close();
      }
    },
    destroy() {
      if (closed) return;
      // The queue is dropped and the body ends. Not `controller.error()`: runtimes report an errored
      // body as a failure (@hono/node-server logs it and writes its message into the stream). What
      // the runtime still holds is its own socket buffer, bounded by its backpressure.
      try {
        controller.close();
      } catch {
        // Already closed or cancelled by the reader.
      }
      close();
    },
    onClose(listener) {
      if (closed) listener();
      else closeListeners.push(listener);
    },
  };
  if (signal?.aborted) onAbort();
  else signal?.addEventListener('abort', onAbort, { once: true });
  return { sink, body };
}

function concat(chunks: readonly Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  return out;
}
