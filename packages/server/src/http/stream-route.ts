import { SseError, SseErrorCode, toSseIssues } from '@ssekit/core';
import type { Request, Response } from 'express';
import { z } from 'zod';
import { runStream } from '../streams/run.js';
import type { StreamHandlers } from '../types.js';
import { type Access, authorizeRequest } from './access.js';
import {
  answerHead,
  clientIp,
  closingError,
  ignore,
  type RouteContext,
  refuse,
  searchParams,
  startStream,
} from './events-route.js';
import { QUERY_LIMITS, readLastEventId } from './query.js';

function readInput(req: Request, params: URLSearchParams, maxInputBytes: number): unknown {
  if (req.method === 'POST') {
    // express.json() ran before: a missing or non-JSON body arrives as undefined.
    return req.body;
  }
  const all = params.getAll('input');
  if (all.length > 1)
    throw new SseError(SseErrorCode.BAD_REQUEST, 'Query parameter "input" may appear only once');
  const raw = all[0];
  if (raw === undefined) return undefined;
  if (raw.length > Math.min(maxInputBytes, QUERY_LIMITS.maxInputLength)) {
    throw new SseError(SseErrorCode.PAYLOAD_TOO_LARGE, 'Stream input is too large');
  }
  try {
    return JSON.parse(raw);
  } catch (cause) {
    throw new SseError(SseErrorCode.INVALID_INPUT, 'Stream input is not valid JSON', { cause });
  }
}

/**
 * `GET {base}/streams/:name?input=<JSON>` and `POST {base}/streams/:name` with a JSON body: validate
 * authorize, then check the name and the input with the stream's schema (4xx before any stream
 * byte), then run the handler with the principal authorize granted.
 */
export async function handleStream(
  ctx: RouteContext,
  handlers: StreamHandlers<typeof ctx.contract>,
  req: Request,
  res: Response,
  name: string,
  maxInputBytes: number,
): Promise<void> {
  if (req.method === 'HEAD') {
    answerHead(res);
    return;
  }
  let release: (() => void) | undefined;
  let input: unknown;
  let lastEventId: string | undefined;
  let access: Access;
  try {
    if (ctx.isClosing()) throw closingError();
    const params = searchParams(req);
    const raw = readInput(req, params, maxInputBytes);
    const definition = Object.hasOwn(ctx.contract.streams, name)
      ? ctx.contract.streams[name]
      : undefined;
    const parsed = definition ? z.safeDecode(definition.input, raw as never) : undefined;
    lastEventId = readLastEventId(req.headers['last-event-id'], params);
    release = ctx.limits.acquire(clientIp(req));
    // Authorize before saying whether the name exists or the input fits: an anonymous caller learns
    // nothing about the contract.
    access = await authorizeRequest(ctx.options, req, {
      type: 'stream',
      stream: name,
      input: parsed?.success ? parsed.data : undefined,
    });
    if (!parsed) {
      throw new SseError(
        SseErrorCode.UNKNOWN_STREAM,
        `Unknown stream ${JSON.stringify(name.slice(0, 100))}`,
      );
    }
    if (!parsed.success) {
      throw new SseError(SseErrorCode.INVALID_INPUT, `Invalid input for stream "${name}"`, {
        issues: toSseIssues(parsed.error.issues),
        event: name,
      });
    }
    input = parsed.data;
  } catch (error) {
    release?.();
    refuse(ctx, res, error);
    return;
  }
  if (res.destroyed || ctx.isClosing()) {
    release();
    if (!res.headersSent) refuse(ctx, res, closingError());
    return;
  }

  const controller = new AbortController();
  ctx.stats.streams += 1;
  const done = release;
  const untrack = ctx.trackStream(controller, res, access.principal);
  res.on('close', () => {
    controller.abort();
    ctx.stats.streams -= 1;
    untrack();
    done();
  });
  res.on('error', ignore);
  startStream(res, ctx.retryMs);
  await runStream({
    contract: ctx.contract,
    name,
    handler: handlers[name]!,
    input,
    lastEventId,
    principal: access.principal,
    req,
    res,
    signal: controller.signal,
    stats: ctx.stats,
    serverOptions: ctx.options,
    maxBufferedBytes: ctx.maxBufferedBytes,
    maxEventBytes: ctx.maxEventBytes,
  });
}
