// What every route of one server shares: the contract and options, the hub, the connection limits,
// the counters, and the register of open RPC streams that `close()` and `disconnect()` end.
import { type AnyContract, encodeRetry, SseError, SseErrorCode, toSseError } from '@ssekit/core';
import type { Hub } from '../hub/hub.js';
import type { SseSink } from '../hub/sink.js';
import type { SseServerStats } from '../hub/stats.js';
import type { SseServerBaseOptions, StreamHandlers } from '../types.js';
import type { ConnectionLimits } from './limits.js';
import { type Answer, errorAnswer } from './respond.js';

export interface RouteContext {
  readonly contract: AnyContract;
  readonly options: SseServerBaseOptions<any>;
  readonly handlers: StreamHandlers<AnyContract, unknown>;
  readonly hub: Hub;
  readonly limits: ConnectionLimits;
  readonly stats: SseServerStats;
  readonly retryMs: number;
  readonly maxBufferedBytes: number;
  readonly maxEventBytes: number;
  readonly maxInputBytes: number;
  /** The OpenAPI documents served, one per mount path (the document depends on nothing else). */
  readonly documents: Map<string, string>;
  /** Register an open RPC stream so that `close()` can end it. Returns the unregister function. */
  trackStream(controller: AbortController, sink: SseSink, principal: unknown): () => void;
  /** True once `close()` started: new connects get 503. */
  isClosing(): boolean;
}

/** Refuse a request: a JSON error, counted, with `Retry-After` on 503. */
export function refuse(ctx: RouteContext, error: unknown): Answer {
  const sse = toSseError(error);
  if (sse.code === SseErrorCode.INTERNAL) ctx.options.onError?.(error, { type: 'authorize' });
  ctx.stats.rejected += 1;
  const retry =
    sse.code === SseErrorCode.TOO_MANY_CONNECTIONS || sse.code === SseErrorCode.SERVER_CLOSING;
  return errorAnswer(sse, retry ? { 'Retry-After': ctx.limits.retryAfter } : {});
}

export function closingError(): SseError {
  return new SseError(SseErrorCode.SERVER_CLOSING, 'The server is shutting down', { status: 503 });
}

/** The first bytes of every stream: `retry:`, and a comment so that `open` fires now. */
export function streamPreamble(retryMs: number): string {
  return `${encodeRetry(retryMs).slice(0, -1)}: connected\n\n`;
}
