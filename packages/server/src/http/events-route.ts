import type { AnyContract } from '@ssekit/core';
import { encodeRetry, SseError, SseErrorCode, toSseError } from '@ssekit/core';
import type { Request, Response } from 'express';
import { SseConnection } from '../hub/connection.js';
import { sharedFilter } from '../hub/filter.js';
import type { Hub } from '../hub/hub.js';
import type { SseServerStats } from '../hub/stats.js';
import type { SseServerBaseOptions } from '../types.js';
import { type Access, authorizeRequest } from './access.js';
import { sseHeaders } from './headers.js';
import type { ConnectionLimits } from './limits.js';
import { checkEventNames, type EventsQuery, readEventsQuery } from './query.js';
import { sendError } from './respond.js';

export interface RouteContext {
  readonly contract: AnyContract;
  readonly options: SseServerBaseOptions;
  readonly hub: Hub;
  readonly limits: ConnectionLimits;
  readonly stats: SseServerStats;
  readonly retryMs: number;
  readonly maxBufferedBytes: number;
  readonly maxEventBytes: number;
  /** Register an open RPC stream so that `close()` can end it. Returns the unregister function. */
  trackStream(controller: AbortController, res: Response, principal: unknown): () => void;
  /** True once `close()` started: new connects get 503. */
  isClosing(): boolean;
}

export function clientIp(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? 'unknown';
}

export function searchParams(req: Request): URLSearchParams {
  const q = req.url.indexOf('?');
  return new URLSearchParams(q === -1 ? '' : req.url.slice(q + 1));
}

/** Refuse a request: a JSON error, counted, with `Retry-After` on 503. */
export function refuse(ctx: RouteContext, res: Response, error: unknown): void {
  const sse = toSseError(error);
  if (sse.code === SseErrorCode.INTERNAL) ctx.options.onError?.(error, { type: 'authorize' });
  ctx.stats.rejected += 1;
  const retry =
    sse.code === SseErrorCode.TOO_MANY_CONNECTIONS || sse.code === SseErrorCode.SERVER_CLOSING;
  sendError(res, sse, retry ? { 'Retry-After': ctx.limits.retryAfter } : {});
}

export function closingError(): SseError {
  return new SseError(SseErrorCode.SERVER_CLOSING, 'The server is shutting down', { status: 503 });
}

/** Errors of a response are handled by its `close`; this listener only keeps them from throwing. */
export function ignore(): void {}

/**
 * A stream lives for hours, and express's routing state for the request (the `next` closure chain,
 * the parsed URL, params, locals) would live with it: about 1.3 KiB per idle connection, measured
 * with apps/bench. None of it is used once the stream has started.
 */
export function releaseRoutingState(req: Request, res: Response): void {
  const r = req as unknown as Record<string, unknown>;
  r.next = undefined;
  r._parsedUrl = undefined;
  r._parsedOriginalUrl = undefined;
  r.route = undefined;
  r.params = undefined;
  (res as unknown as Record<string, unknown>).locals = undefined;
}

/** Start the response: status, headers at once, `retry:`, and a comment so that `open` fires now. */
export function startStream(res: Response, retryMs: number): void {
  res.writeHead(200, sseHeaders);
  res.flushHeaders();
  res.socket?.setNoDelay(true);
  // TCP keepalive finds peers that vanished without a FIN (a laptop lid, a dropped NAT entry) even
  // when heartbeats still fit in the socket buffer.
  res.socket?.setKeepAlive(true, 30_000);
  res.write(`${encodeRetry(retryMs).slice(0, -1)}: connected\n\n`);
}

/**
 * `GET {base}` and `GET {base}/events/:name`: read the query's shape, take a connection slot,
 * authorize, check the names, then hand the connection to the hub (which replays first when the
 * client resumes).
 */
export async function handleEvents(
  ctx: RouteContext,
  req: Request,
  res: Response,
  fixedEvent?: string,
): Promise<void> {
  if (req.method === 'HEAD') {
    answerHead(res);
    return;
  }
  let release: (() => void) | undefined;
  let access: Access;
  let query: EventsQuery;
  try {
    if (ctx.isClosing()) throw closingError();
    query = readEventsQuery(searchParams(req), req.headers['last-event-id'], fixedEvent);
    release = ctx.limits.acquire(clientIp(req));
    access = await authorizeRequest(ctx.options, req, {
      type: 'events',
      events: query.events ?? Object.keys(ctx.contract.events),
      topics: query.topics,
    });
    checkEventNames(ctx.contract, query);
  } catch (error) {
    release?.();
    refuse(ctx, res, error);
    return;
  }
  // The client may have left while authorize awaited.
  if (res.destroyed || req.destroyed || ctx.isClosing()) {
    release();
    if (!res.headersSent) refuse(ctx, res, closingError());
    return;
  }

  startStream(res, ctx.retryMs);
  const conn = new SseConnection({
    res,
    filter: sharedFilter(query.events, query.topics),
    predicate: access.predicate,
    principal: access.principal,
    ip: clientIp(req),
  });
  ctx.stats.connections += 1;
  const done = release;
  // [DESIGN] cleanup on the response's close, not the request's: the request ends as soon as its
  // (empty) body is read, the response only when the socket goes.
  res.on('close', () => {
    ctx.hub.remove(conn);
    ctx.stats.connections -= 1;
    done();
  });
  res.on('error', ignore);
  releaseRoutingState(req, res);
  await ctx.hub.add(conn, query.lastEventId);
}

/**
 * HEAD on a stream route: the headers a GET would start with, and the end. No slot is taken, no
 * handler runs, nothing is replayed: a HEAD is not a way to hold a connection.
 */
export function answerHead(res: Response): void {
  res.writeHead(200, sseHeaders);
  res.end();
}
