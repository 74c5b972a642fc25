// Runs one RPC stream: pulls the handler's yields, validates and frames each, and writes them to the
// stream's sink under backpressure, whatever transport carries it.
import { Buffer } from 'node:buffer';
import { setImmediate } from 'node:timers';
import {
  type AnyContract,
  encodeEndEvent,
  encodeErrorEvent,
  encodeEvent,
  toSseError,
} from '@ssekit/core';
import type { SseSink } from '../hub/sink.js';
import type { SseServerStats } from '../hub/stats.js';
import type { SseServerBaseOptions, StreamHandler } from '../types.js';
import { encodeStreamYield } from './encode-yield.js';

// Frames are gathered and written once per tick, or sooner past this size: one write per yield
// would cost a syscall per event on a fast generator.
const FLUSH_BYTES = 64 * 1024;

/**
 * Run one RPC stream: pull the handler's events, validate and frame each, write them with
 * backpressure, and end with `ssekit.end` (return) or `ssekit.error` (throw or invalid yield).
 */
export async function runStream(options: {
  contract: AnyContract;
  name: string;
  handler: StreamHandler<AnyContract, string, unknown>;
  input: unknown;
  lastEventId: string | undefined;
  principal: unknown;
  /** The adapter's own request (express's `req`, or the Fetch `Request`), handed to the handler. */
  req: unknown;
  sink: SseSink;
  signal: AbortSignal;
  stats: SseServerStats;
  serverOptions: SseServerBaseOptions;
  maxBufferedBytes: number;
  maxEventBytes: number;
}): Promise<void> {
  const { contract, name, sink, signal, stats } = options;
  let pending = '';
  let scheduled = false;

  const flush = (): void => {
    scheduled = false;
    if (pending === '' || !sink.writable) return;
    const chunk = Buffer.from(pending);
    pending = '';
    sink.write(chunk);
    stats.bytesWritten += chunk.length;
  };

  let ending: string;
  try {
    const iterable = options.handler({
      input: options.input as never,
      lastEventId: options.lastEventId,
      principal: options.principal,
      signal,
      req: options.req,
    });
    for await (const item of iterable) {
      if (signal.aborted) break;
      const { event, data, id } = encodeStreamYield(contract, name, item, {
        maxEventBytes: options.maxEventBytes,
      });
      pending += encodeEvent({ id, event, data });
      if (pending.length >= FLUSH_BYTES) flush();
      else if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
      // Backpressure: a generator faster than the client waits instead of filling memory.
      if (sink.holdsMoreThan(options.maxBufferedBytes)) {
        flush();
        await sink.drained(0);
      }
    }
    ending = encodeEndEvent();
  } catch (error) {
    if (signal.aborted) {
      ending = '';
    } else {
      const sse = toSseError(error);
      options.serverOptions.onError?.(error, { type: 'stream', stream: name });
      ending = encodeErrorEvent(sse.toJSON());
    }
  }
  if (signal.aborted || sink.closed) return;
  pending += ending;
  flush();
  sink.end();
}
