import {
  type AnyContract,
  encodeEndEvent,
  encodeErrorEvent,
  encodeEvent,
  toSseError,
} from '@ssekit/core';
import type { Request, Response } from 'express';
import { bodyWriter } from '../http/body-writer.js';
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
  handler: StreamHandler<AnyContract, string>;
  input: unknown;
  lastEventId: string | undefined;
  principal: unknown;
  req: Request;
  res: Response;
  signal: AbortSignal;
  stats: SseServerStats;
  serverOptions: SseServerBaseOptions;
  maxBufferedBytes: number;
  maxEventBytes: number;
}): Promise<void> {
  const { contract, name, res, signal, stats } = options;
  // The head is out (`startStream`): the writer can tell which way the body may go.
  const body = bodyWriter(res);
  let pending = '';
  let scheduled = false;

  const flush = (): void => {
    scheduled = false;
    if (pending === '' || res.destroyed || res.writableEnded) return;
    const chunk = Buffer.from(pending);
    pending = '';
    body.write(chunk);
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
      if (body.holdsMoreThan(options.maxBufferedBytes)) {
        flush();
        await body.drained(options.maxBufferedBytes);
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
  if (signal.aborted || res.destroyed) return;
  pending += ending;
  flush();
  res.end();
}
