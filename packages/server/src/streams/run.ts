// Runs one RPC stream: pulls the handler's yields, validates and frames each, and writes them to the
// stream's sink under backpressure, whatever transport carries it.
import { setImmediate } from 'node:timers';
import { encodeEndEvent, encodeErrorEvent, encodeEvent, toSseError } from '@ssekit/core';
import { sharedChunk } from '../http/body-writer.js';
import type { SseSink } from '../hub/sink.js';
import type { SseServerStats } from '../hub/stats.js';
import type { SseServerBaseOptions } from '../types.js';
import { type EncodedYieldsOptions, encodedYields } from './encode-yield.js';

// Frames are gathered and written once per tick, or sooner past this size: one write per yield
// would cost a syscall per event on a fast generator.
const FLUSH_BYTES = 64 * 1024;

/**
 * Run one RPC stream: pull the handler's events, validate and frame each, write them with
 * backpressure, and end with `ssekit.end` (return) or `ssekit.error` (throw or invalid yield).
 */
export async function runStream(
  options: EncodedYieldsOptions<unknown> & {
    sink: SseSink;
    stats: SseServerStats;
    serverOptions: SseServerBaseOptions;
    maxBufferedBytes: number;
    maxEventBytes: number;
  },
): Promise<void> {
  const { name, sink, signal, stats } = options;
  let pending = '';
  let scheduled = false;

  const flush = (): void => {
    scheduled = false;
    if (pending === '' || !sink.writable) return;
    // Framed in the same allocation: the socket path writes it without another copy.
    const chunk = sharedChunk(pending);
    pending = '';
    sink.write(chunk);
    stats.bytesWritten += chunk.length;
  };

  let ending: string;
  try {
    for await (const { event, data, id } of encodedYields(options)) {
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
